/**
 * One result shape for every channel rule, so the annex, `relais count`, `relais posts` and
 * `relais check` all speak the same language.
 */
export const CHANNEL_NAMES = ['sms', 'twitter', 'facebook', 'linkedin', 'courriel-objet'] as const;
export type Channel = (typeof CHANNEL_NAMES)[number];

export interface ChannelProblem {
  severity: 'error' | 'warning';
  message: string;
}

export interface ChannelResult {
  channel: Channel;
  /** In the channel's own unit: septets or UTF-16 units for SMS, weighted characters for X. */
  length: number;
  limit: number;
  valid: boolean;
  problems: ChannelProblem[];
  encoding?: 'GSM-7' | 'UCS-2';
  parts?: number;
  weightedLength?: number;
  /** A GSM-7 version of an SMS that is not: shown as a suggestion, never applied silently. */
  suggestion?: { text: string; length: number; parts: number };
}

export function result(channel: Channel, length: number, limit: number, problems: ChannelProblem[], extra: Partial<ChannelResult> = {}): ChannelResult {
  return { channel, length, limit, valid: !problems.some((p) => p.severity === 'error'), problems, ...extra };
}

/** "x" is accepted everywhere as another name for "twitter". */
export function channelName(name: string): Channel | undefined {
  const n = name.trim().toLowerCase();
  if (n === 'x') return 'twitter';
  return (CHANNEL_NAMES as readonly string[]).includes(n) ? (n as Channel) : undefined;
}
