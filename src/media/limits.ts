import type { MediaFormat } from './probe.js';

/**
 * What each network takes, in one table: the figures below were read on the dates given, in the
 * sources listed. A network changes its limits without notice: update the figure, its source and
 * its date together. Pure data (no fs, no network).
 */
export type MediaNetwork = 'twitter' | 'facebook' | 'linkedin';

export interface VideoLimits {
  maxBytes: number;
  minSec: number;
  maxSec: number;
  maxWidth: number;
  maxHeight: number;
  maxFps: number;
  videoCodecs: string[];
  audioCodecs: string[];
}

export interface NetworkLimits {
  label: string;
  /** Undefined: the network does not take that kind of medium through its API. */
  video: VideoLimits | undefined;
  image: { formats: MediaFormat[]; maxBytes: number | undefined; maxPixels: number | undefined; maxSide: number | undefined } | undefined;
  document: { maxBytes: number; maxPages: number } | undefined;
  /** Media one post can carry. */
  maxPerPost: number;
  /** Whether a video can share a post with other media. */
  videoAlone: boolean;
  checked: string;
  sources: string[];
}

const MB = 1024 * 1024;
// H.264 is stored as avc1 or avc3; AAC as mp4a.
const H264 = ['avc1', 'avc3'];
const AAC = ['mp4a'];

export const LIMITS: Record<MediaNetwork, NetworkLimits> = {
  twitter: {
    label: 'X',
    video: { maxBytes: 512 * MB, minSec: 0.5, maxSec: 140, maxWidth: 1920, maxHeight: 1200, maxFps: 60, videoCodecs: H264, audioCodecs: AAC },
    image: { formats: ['png', 'jpeg'], maxBytes: 5 * MB, maxPixels: undefined, maxSide: 8192 },
    document: undefined,
    maxPerPost: 4,
    videoAlone: true,
    checked: '2026-11-30',
    sources: [
      'https://docs.x.com/x-api/media/quickstart/best-practices',
      'https://docs.x.com/x-api/media/quickstart/media-upload-chunked',
      'https://developer.x.com/en/docs/twitter-api/v1/media/upload-media/uploading-media/media-best-practices',
    ],
  },
  facebook: {
    label: 'Facebook',
    video: { maxBytes: 10 * 1024 * MB, minSec: 1, maxSec: 240 * 60, maxWidth: 4096, maxHeight: 4096, maxFps: 60, videoCodecs: H264, audioCodecs: AAC },
    image: { formats: ['png', 'jpeg'], maxBytes: 10 * MB, maxPixels: undefined, maxSide: undefined },
    // A Page post takes photos and videos, not documents.
    document: undefined,
    maxPerPost: 10,
    videoAlone: true,
    checked: '2026-11-30',
    sources: [
      'https://developers.facebook.com/docs/video-api/guides/publishing',
      'https://developers.facebook.com/docs/graph-api/reference/page/photos/',
      'https://developers.facebook.com/docs/graph-api/guides/upload',
    ],
  },
  linkedin: {
    label: 'LinkedIn',
    video: { maxBytes: 500 * MB, minSec: 3, maxSec: 30 * 60, maxWidth: 4096, maxHeight: 2304, maxFps: 60, videoCodecs: H264, audioCodecs: AAC },
    image: { formats: ['png', 'jpeg'], maxBytes: undefined, maxPixels: 36_152_320, maxSide: undefined },
    document: { maxBytes: 100 * MB, maxPages: 300 },
    // One video or one document per post; several images make a multi-image post.
    maxPerPost: 20,
    videoAlone: true,
    checked: '2026-11-30',
    sources: [
      'https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/videos-api',
      'https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/images-api',
      'https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/documents-api',
    ],
  },
};
