// Media processing: uploaded bytes in, what the platforms need out. Pure I/O helpers (sharp,
// file-type, ffmpeg): no database and no storage; services read and store the bytes.
export * from './errors.ts';
export * from './sniff.ts';
export * from './image.ts';
export * from './video.ts';
