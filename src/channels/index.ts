import { checkLinkedin } from './linkedin.js';
import { checkSms } from './sms.js';
import { checkTwitter } from './twitter.js';
import { result, type Channel, type ChannelResult } from './types.js';

export const FACEBOOK_LIMIT = 63206;
/** RFC 5322 recommends lines of at most 78 characters; longer subjects get cut in mail clients. */
export const SUBJECT_LIMIT = 78;

export function checkChannel(channel: Channel, text: string): ChannelResult {
  switch (channel) {
    case 'sms':
      return checkSms(text);
    case 'twitter':
      return checkTwitter(text);
    case 'linkedin':
      return checkLinkedin(text);
    case 'facebook': {
      const length = [...text].length;
      const problems: ChannelResult['problems'] = [];
      if (text.trim() === '') problems.push({ severity: 'error', message: 'message vide' });
      if (length > FACEBOOK_LIMIT) problems.push({ severity: 'error', message: `${length} caractères : ${length - FACEBOOK_LIMIT} de trop (limite ${FACEBOOK_LIMIT})` });
      return result('facebook', length, FACEBOOK_LIMIT, problems);
    }
    case 'courriel-objet': {
      const length = [...text].length;
      const problems: ChannelResult['problems'] = [];
      if (text.trim() === '') problems.push({ severity: 'error', message: 'objet vide' });
      if (length > SUBJECT_LIMIT) problems.push({ severity: 'warning', message: `objet de ${length} caractères : les messageries le coupent au-delà de ${SUBJECT_LIMIT}` });
      return result('courriel-objet', length, SUBJECT_LIMIT, problems);
    }
  }
}

/** "271 / 280", "3 SMS, GSM-7": the count printed next to each message in the annex. */
export function countLabel(r: ChannelResult): string {
  if (r.channel === 'sms') return `${r.parts ?? 0} SMS, ${r.encoding}, ${r.length} caractères`;
  return `${r.length.toLocaleString('fr-FR')} / ${r.limit.toLocaleString('fr-FR')}`;
}

export { channelName, type Channel, type ChannelResult } from './types.js';
