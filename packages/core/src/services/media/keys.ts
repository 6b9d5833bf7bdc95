// Where media lives in storage. Every key starts with what it is and whose it is, so cleanup
// can walk one prefix and a key can never point into another organization's files.
import type { RenditionName } from '../../domain/media-files.ts';

/** An upload in flight, and after finalising, the asset's original bytes. */
export function uploadKey(organizationId: string, uploadId: string): string {
  return `uploads/${organizationId}/${uploadId}`;
}

export const UPLOADS_PREFIX = 'uploads/';
export const RENDITIONS_PREFIX = 'media/';

export function renditionKey(organizationId: string, assetId: string, name: RenditionName): string {
  return `media/${organizationId}/${assetId}/${name}.jpg`;
}

export function fallbackPackageKey(organizationId: string, targetId: string): string {
  return `packages/${organizationId}/${targetId}.zip`;
}
