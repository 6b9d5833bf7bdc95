// The composer's media: a drop zone that uploads several files at once (a progress bar each,
// straight to storage), the files chosen for the post in their order, and the client's library
// to pick earlier uploads from. Processing happens in the worker; each file shows when it is ready.
import type { AppRouter } from '@herald/api';
import type { SelectableAsset } from '@herald/core/domain';
import { TRPCClientError } from '@trpc/client';
import { useId, useRef, useState, type DragEvent } from 'react';
import { summarizeError } from '../lib/trpc-errors.ts';
import { trpc, type RouterOutputs } from '../lib/trpc.ts';
import { uploadFile } from '../lib/upload-file.ts';

export type AssetView = RouterOutputs['media']['get'];

interface Upload {
  key: string;
  name: string;
  progress: number;
  error: string | null;
}

/** The chosen assets' latest state (polled while any is processing), in the given order. */
export function useAssets(ids: readonly string[]): (AssetView | undefined)[] {
  const results = trpc.useQueries((t) =>
    ids.map((assetId) =>
      t.media.get(
        { assetId },
        {
          refetchInterval: (query) => (query.state.data?.status === 'processing' ? 1_500 : false),
        },
      ),
    ),
  );
  return results.map((r) => r.data);
}

/** What selectMedia needs to know of an asset, from what the API returns. */
export function toSelectable(asset: AssetView): SelectableAsset {
  return {
    id: asset.id,
    name: asset.name,
    kind: asset.kind,
    status: asset.status,
    rejectionReason: asset.rejectionReason,
    width: asset.width,
    height: asset.height,
    durationMs: asset.durationMs,
    sizeBytes: asset.sizeBytes,
    renditions: asset.renditions.map((r) => r.name),
  };
}

interface Props {
  clientId: string;
  value: string[];
  assets: (AssetView | undefined)[];
  /** Given how to change the list (uploads finish in any order, so never a stale copy). */
  onChange: (update: (ids: string[]) => string[]) => void;
  /** Problems with the chosen media for the chosen accounts (selectMedia's sentences). */
  problems: string[];
}

export function MediaPicker({ clientId, value, assets, onChange, problems }: Props) {
  const id = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [dragging, setDragging] = useState(false);
  const [libraryOpen, setLibraryOpen] = useState(false);
  const utils = trpc.useUtils();
  const createUpload = trpc.media.createUpload.useMutation();
  const finalise = trpc.media.finalise.useMutation();

  const patch = (key: string, change: Partial<Upload>) =>
    setUploads((list) => list.map((u) => (u.key === key ? { ...u, ...change } : u)));

  async function send(file: File) {
    const key = `${file.name}-${file.size}-${Math.random().toString(36).slice(2)}`;
    setUploads((list) => [...list, { key, name: file.name, progress: 0, error: null }]);
    const declared = { clientId, fileName: file.name, contentType: file.type, size: file.size };
    try {
      const target = await createUpload.mutateAsync(declared);
      await uploadFile(target, file, (progress) => patch(key, { progress }));
      const asset = await finalise.mutateAsync({ ...declared, uploadId: target.uploadId });
      await utils.media.list.invalidate({ clientId });
      // Several files finish in any order: each is added to the list as it is then.
      onChange((ids) => [...ids, asset.id]);
      setUploads((list) => list.filter((u) => u.key !== key));
    } catch (error) {
      const message =
        error instanceof TRPCClientError
          ? summarizeError(error as TRPCClientError<AppRouter>).message
          : error instanceof Error
            ? error.message
            : String(error);
      patch(key, { error: message });
    }
  }

  function sendAll(files: FileList | null) {
    if (!files) return;
    for (const file of Array.from(files)) void send(file);
  }

  function onDrop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    sendAll(event.dataTransfer.files);
  }

  function move(index: number, by: -1 | 1) {
    onChange((ids) => {
      const next = [...ids];
      const [item] = next.splice(index, 1);
      next.splice(index + by, 0, item!);
      return next;
    });
  }

  return (
    <fieldset className="field media-picker">
      <legend>Media</legend>
      <div
        className={dragging ? 'drop-zone dragging' : 'drop-zone'}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p>
          Drop images or videos here, or{' '}
          <button type="button" className="link-button" onClick={() => inputRef.current?.click()}>
            choose files
          </button>
          {' · '}
          <button
            type="button"
            className="link-button"
            aria-expanded={libraryOpen}
            aria-controls={`${id}-library`}
            onClick={() => setLibraryOpen((open) => !open)}
          >
            {libraryOpen ? 'close the library' : 'pick from the library'}
          </button>
        </p>
        <input
          ref={inputRef}
          id={`${id}-files`}
          data-testid="media-file-input"
          type="file"
          multiple
          accept="image/jpeg,image/png,image/webp,image/gif,video/mp4,video/quicktime,video/webm"
          hidden
          onChange={(e) => {
            sendAll(e.target.files);
            e.target.value = '';
          }}
        />
      </div>

      {uploads.length > 0 ? (
        <ul className="uploads" aria-label="Uploads">
          {uploads.map((u) => (
            <li key={u.key}>
              <span className="upload-name">{u.name}</span>
              {u.error ? (
                <>
                  <span className="field-error" role="alert">
                    {u.error}
                  </span>
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => setUploads((l) => l.filter((x) => x.key !== u.key))}
                  >
                    Dismiss
                  </button>
                </>
              ) : (
                <progress
                  max={1}
                  value={u.progress}
                  aria-label={`Uploading ${u.name}`}
                >{`${Math.round(u.progress * 100)}%`}</progress>
              )}
            </li>
          ))}
        </ul>
      ) : null}

      {value.length > 0 ? (
        <ol className="chosen-media" aria-label="Media in this post">
          {value.map((assetId, index) => {
            const asset = assets[index];
            return (
              <li key={assetId} className="chosen">
                <Thumb asset={asset} />
                <span className="chosen-name">{asset?.name ?? 'Loading…'}</span>
                <span className="muted">{assetState(asset)}</span>
                <span className="chosen-actions">
                  <button
                    type="button"
                    className="link-button"
                    disabled={index === 0}
                    onClick={() => move(index, -1)}
                    aria-label={`Move ${asset?.name ?? 'file'} earlier`}
                  >
                    ←
                  </button>
                  <button
                    type="button"
                    className="link-button"
                    disabled={index === value.length - 1}
                    onClick={() => move(index, 1)}
                    aria-label={`Move ${asset?.name ?? 'file'} later`}
                  >
                    →
                  </button>
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => onChange((ids) => ids.filter((x) => x !== assetId))}
                  >
                    Remove
                  </button>
                </span>
              </li>
            );
          })}
        </ol>
      ) : null}
      {problems.length > 0 ? (
        <p className="field-error" role="alert">
          {problems.join(' ')}
        </p>
      ) : null}

      {libraryOpen ? (
        <div id={`${id}-library`}>
          <MediaLibrary
            clientId={clientId}
            onPick={(assetId) =>
              onChange((ids) => (ids.includes(assetId) ? ids : [...ids, assetId]))
            }
            picked={value}
          />
        </div>
      ) : null}
    </fieldset>
  );
}

function assetState(asset: AssetView | undefined): string {
  if (!asset) return '';
  if (asset.status === 'processing') return 'Processing…';
  if (asset.status === 'rejected') return asset.rejectionReason ?? 'Could not be processed.';
  const size = asset.width && asset.height ? `${asset.width}×${asset.height}` : '';
  const duration = asset.durationMs !== null ? ` · ${(asset.durationMs / 1000).toFixed(1)} s` : '';
  return `${size}${duration}`;
}

function Thumb({ asset }: { asset: AssetView | undefined }) {
  return asset?.thumbnailUrl ? (
    <img className="thumb" src={asset.thumbnailUrl} alt="" width={64} height={64} />
  ) : (
    <span className="thumb placeholder" aria-hidden="true">
      {asset?.kind === 'video' ? '▶' : '…'}
    </span>
  );
}

interface LibraryProps {
  clientId: string;
  /** Given in the composer: each file gets an "Add" button. */
  onPick?: (assetId: string) => void;
  picked?: readonly string[];
  canDelete?: boolean;
}

/** A client's library: thumbnails, search by name, and (outside the composer) delete. */
export function MediaLibrary({ clientId, onPick, picked = [], canDelete = false }: LibraryProps) {
  const id = useId();
  const [search, setSearch] = useState('');
  const utils = trpc.useUtils();
  const list = trpc.media.list.useInfiniteQuery(
    { clientId, limit: 24, ...(search.trim() ? { search: search.trim() } : {}) },
    {
      getNextPageParam: (page) => page.nextCursor ?? undefined,
      refetchInterval: (query) =>
        query.state.data?.pages.some((p) => p.items.some((a) => a.status === 'processing'))
          ? 2_000
          : false,
    },
  );
  const remove = trpc.media.delete.useMutation({
    onSuccess: () => utils.media.list.invalidate({ clientId }),
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div className="media-library">
      <div className="field">
        <label htmlFor={`${id}-search`}>Search the library</label>
        <input
          id={`${id}-search`}
          type="search"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          placeholder="File name"
        />
      </div>
      {remove.error ? (
        <p className="alert" role="alert">
          {summarizeError(remove.error).message}
        </p>
      ) : null}
      {list.error ? (
        <p className="alert" role="alert">
          {summarizeError(list.error).message}
        </p>
      ) : items.length === 0 && !list.isLoading ? (
        <p className="muted">{search ? 'No file matches that name.' : 'No media yet.'}</p>
      ) : (
        <ul className="library-grid">
          {items.map((asset) => (
            <li key={asset.id} className="library-item">
              <Thumb asset={asset} />
              <span className="chosen-name" title={asset.name}>
                {asset.name}
              </span>
              <span className="muted">{assetState(asset)}</span>
              {onPick ? (
                <button
                  type="button"
                  className="button subtle"
                  disabled={picked.includes(asset.id) || asset.status === 'rejected'}
                  onClick={() => onPick(asset.id)}
                >
                  {picked.includes(asset.id) ? 'Added' : 'Add'}
                </button>
              ) : null}
              {canDelete ? (
                <button
                  type="button"
                  className="button subtle"
                  disabled={remove.isPending}
                  onClick={() => {
                    if (window.confirm(`Delete “${asset.name}” from the library?`)) {
                      remove.mutate({ assetId: asset.id });
                    }
                  }}
                >
                  Delete
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {list.hasNextPage ? (
        <button
          type="button"
          className="button subtle"
          disabled={list.isFetchingNextPage}
          onClick={() => void list.fetchNextPage()}
        >
          {list.isFetchingNextPage ? 'Loading…' : 'Show more'}
        </button>
      ) : null}
    </div>
  );
}
