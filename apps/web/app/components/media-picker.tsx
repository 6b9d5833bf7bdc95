// The composer's media: a drop zone that uploads several files at once (a progress bar each,
// straight to storage), the files chosen for the post in their order, and the client's library
// to pick earlier uploads from. Processing happens in the worker; each file shows when it is ready.
import type { AppRouter } from '@herald/api';
import type { SelectableAsset } from '@herald/core/domain';
import { TRPCClientError } from '@trpc/client';
import {
  ActionIcon,
  Alert,
  Button,
  Center,
  Fieldset,
  Group,
  Image,
  Paper,
  Progress,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { Dropzone } from '@mantine/dropzone';
import { useId, useRef, useState, type InputHTMLAttributes } from 'react';
import { summarizeError } from '../lib/trpc-errors.ts';
import { trpc, type RouterOutputs } from '../lib/trpc.ts';
import { uploadFile } from '../lib/upload-file.ts';
import { ConfirmButton } from './confirm-button.tsx';

export type AssetView = RouterOutputs['media']['get'];

type InputProps = InputHTMLAttributes<HTMLInputElement>;

const ACCEPTED_TYPES = [
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/gif',
  'video/mp4',
  'video/quicktime',
  'video/webm',
];

const UNSTYLED_LIST = { listStyle: 'none', margin: 0, padding: 0 } as const;

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
  const openFiles = useRef<() => void>(null);
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [refused, setRefused] = useState<string | null>(null);
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

  function move(index: number, by: -1 | 1) {
    onChange((ids) => {
      const next = [...ids];
      const [item] = next.splice(index, 1);
      next.splice(index + by, 0, item!);
      return next;
    });
  }

  return (
    <Fieldset legend="Media" variant="unstyled" className="media-picker">
      <Stack gap="sm">
        <Dropzone
          openRef={openFiles}
          onDrop={(files) => {
            setRefused(null);
            for (const file of files) void send(file);
          }}
          onReject={(rejections) =>
            setRefused(
              `${rejections.map((r) => r.file.name).join(', ')}: Herald takes JPEG, PNG, WebP and GIF images and MP4, MOV and WebM videos.`,
            )
          }
          accept={ACCEPTED_TYPES}
          multiple
          activateOnClick={false}
          enablePointerEvents
          inputProps={{ id: `${id}-files`, 'data-testid': 'media-file-input' } as InputProps}
          p="md"
        >
          <Stack gap={4} align="center">
            <Dropzone.Accept>
              <Text fw={600}>Drop to upload</Text>
            </Dropzone.Accept>
            <Dropzone.Reject>
              <Text fw={600} c="red">
                Only images and videos
              </Text>
            </Dropzone.Reject>
            <Dropzone.Idle>
              <Text size="sm" c="dimmed">
                Drop images or videos here
              </Text>
            </Dropzone.Idle>
            <Group gap="xs" justify="center">
              <Button size="xs" variant="light" onClick={() => openFiles.current?.()}>
                Choose files
              </Button>
              <Button
                size="xs"
                variant="subtle"
                aria-expanded={libraryOpen}
                aria-controls={`${id}-library`}
                onClick={() => setLibraryOpen((open) => !open)}
              >
                {libraryOpen ? 'Close the library' : 'Pick from the library'}
              </Button>
            </Group>
          </Stack>
        </Dropzone>
        {refused ? (
          <Text size="sm" c="red" role="alert">
            {refused}
          </Text>
        ) : null}

        {uploads.length > 0 ? (
          <Stack component="ul" gap={6} aria-label="Uploads" style={UNSTYLED_LIST}>
            {uploads.map((u) => (
              <li key={u.key}>
                <Group gap="xs" wrap="nowrap">
                  <Text size="sm" truncate w={160}>
                    {u.name}
                  </Text>
                  {u.error ? (
                    <>
                      <Text size="sm" c="red" role="alert" style={{ flex: 1 }}>
                        {u.error}
                      </Text>
                      <Button
                        size="compact-xs"
                        variant="subtle"
                        onClick={() => setUploads((l) => l.filter((x) => x.key !== u.key))}
                      >
                        Dismiss
                      </Button>
                    </>
                  ) : (
                    <Progress
                      value={Math.round(u.progress * 100)}
                      aria-label={`Uploading ${u.name}`}
                      style={{ flex: 1 }}
                      animated
                    />
                  )}
                </Group>
              </li>
            ))}
          </Stack>
        ) : null}

        {value.length > 0 ? (
          <Stack component="ol" gap={6} aria-label="Media in this post" style={UNSTYLED_LIST}>
            {value.map((assetId, index) => {
              const asset = assets[index];
              return (
                <Paper key={assetId} component="li" withBorder p={6}>
                  <Group gap="sm" wrap="nowrap">
                    <Thumb asset={asset} />
                    <Stack gap={0} style={{ flex: 1, minWidth: 0 }}>
                      <Text size="sm" truncate>
                        {asset?.name ?? 'Loading…'}
                      </Text>
                      <Text size="xs" c={asset?.status === 'rejected' ? 'red' : 'dimmed'}>
                        {assetState(asset)}
                      </Text>
                    </Stack>
                    <Group gap={2} wrap="nowrap">
                      <ActionIcon
                        variant="subtle"
                        color="gray"
                        disabled={index === 0}
                        onClick={() => move(index, -1)}
                        aria-label={`Move ${asset?.name ?? 'file'} earlier`}
                      >
                        ←
                      </ActionIcon>
                      <ActionIcon
                        variant="subtle"
                        color="gray"
                        disabled={index === value.length - 1}
                        onClick={() => move(index, 1)}
                        aria-label={`Move ${asset?.name ?? 'file'} later`}
                      >
                        →
                      </ActionIcon>
                      <Button
                        size="compact-xs"
                        variant="subtle"
                        color="red"
                        onClick={() => onChange((ids) => ids.filter((x) => x !== assetId))}
                      >
                        Remove
                      </Button>
                    </Group>
                  </Group>
                </Paper>
              );
            })}
          </Stack>
        ) : null}
        {problems.length > 0 ? (
          <Text size="sm" c="red" role="alert">
            {problems.join(' ')}
          </Text>
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
      </Stack>
    </Fieldset>
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

function Thumb({ asset, size = 48 }: { asset: AssetView | undefined; size?: number }) {
  return asset?.thumbnailUrl ? (
    <Image src={asset.thumbnailUrl} alt="" w={size} h={size} radius="sm" fit="cover" />
  ) : (
    <Center
      w={size}
      h={size}
      bg="var(--mantine-color-default-hover)"
      style={{ borderRadius: 'var(--mantine-radius-sm)', flex: 'none' }}
      aria-hidden="true"
    >
      <Text c="dimmed">{asset?.kind === 'video' ? '▶' : '…'}</Text>
    </Center>
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
    <Stack gap="sm" className="media-library">
      <TextInput
        label="Search the library"
        type="search"
        value={search}
        onChange={(e) => setSearch(e.currentTarget.value)}
        placeholder="File name"
        maw={320}
      />
      {remove.error ? (
        <Alert color="red" variant="light" role="alert" p="sm">
          {summarizeError(remove.error).message}
        </Alert>
      ) : null}
      {list.error ? (
        <Alert color="red" variant="light" role="alert" p="sm">
          {summarizeError(list.error).message}
        </Alert>
      ) : items.length === 0 && !list.isLoading ? (
        <Text c="dimmed" size="sm">
          {search ? 'No file matches that name.' : 'No media yet.'}
        </Text>
      ) : (
        <SimpleGrid
          component="ul"
          cols={{ base: 2, xs: 3, md: 4, lg: 6 }}
          spacing="sm"
          style={UNSTYLED_LIST}
        >
          {items.map((asset) => (
            <Paper key={asset.id} component="li" withBorder p="xs">
              <Stack gap={6}>
                <Thumb asset={asset} size={96} />
                <Text size="sm" truncate title={asset.name}>
                  {asset.name}
                </Text>
                <Text size="xs" c={asset.status === 'rejected' ? 'red' : 'dimmed'}>
                  {assetState(asset)}
                </Text>
                {onPick || canDelete ? (
                  <Group gap={4}>
                    {onPick ? (
                      <Button
                        size="compact-xs"
                        variant="light"
                        disabled={picked.includes(asset.id) || asset.status === 'rejected'}
                        onClick={() => onPick(asset.id)}
                      >
                        {picked.includes(asset.id) ? 'Added' : 'Add'}
                      </Button>
                    ) : null}
                    {canDelete ? (
                      <ConfirmButton
                        label="Delete"
                        question={`Delete “${asset.name}” from the library? Posts already scheduled with it keep their copy.`}
                        confirmLabel="Yes, delete it"
                        pendingLabel="Deleting…"
                        pending={remove.isPending && remove.variables?.assetId === asset.id}
                        onConfirm={() => remove.mutate({ assetId: asset.id })}
                      />
                    ) : null}
                  </Group>
                ) : null}
              </Stack>
            </Paper>
          ))}
        </SimpleGrid>
      )}
      {list.hasNextPage ? (
        <Button
          variant="default"
          size="xs"
          loading={list.isFetchingNextPage}
          onClick={() => void list.fetchNextPage()}
          style={{ alignSelf: 'flex-start' }}
        >
          Show more
        </Button>
      ) : null}
    </Stack>
  );
}
