// Sends one file straight to storage with the signed URL the API handed out. XMLHttpRequest,
// not fetch: only it reports upload progress, which the drop zone shows per file.

export interface UploadTarget {
  url: string;
  method: 'PUT';
  headers: Record<string, string>;
}

export class UploadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UploadError';
  }
}

/** Resolves when storage has the whole file; `onProgress` gets a fraction from 0 to 1. */
export function uploadFile(
  target: UploadTarget,
  file: Blob,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(target.method, target.url);
    for (const [name, value] of Object.entries(target.headers)) {
      // The browser sets Content-Length itself from the body.
      if (name.toLowerCase() !== 'content-length') xhr.setRequestHeader(name, value);
    }
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve();
      } else {
        const said = xhr.responseText.trim().slice(0, 200);
        reject(
          new UploadError(
            said && !said.startsWith('<') ? said : `Upload failed (HTTP ${xhr.status}).`,
          ),
        );
      }
    };
    xhr.onerror = () =>
      reject(new UploadError('The upload was interrupted. Check your connection and try again.'));
    xhr.onabort = () => reject(new UploadError('The upload was cancelled.'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}
