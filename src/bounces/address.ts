import { domainToASCII } from 'node:url';

/**
 * One form for an address however it was written, to compare the address relais wrote to with the
 * one a notice names: the domain as its A-label (« saint-étienne.fr » and
 * « xn--saint-tienne-geb.fr » are one domain, RFC 5890; relais sends the second, a report may give
 * either), the local part as written (RFC 6532: UTF-8, in its composed form), both
 * case-insensitively as relais has always compared them.
 */
export function mailboxKey(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 0) return address.normalize('NFC').toLowerCase();
  const local = address.slice(0, at).normalize('NFC').toLowerCase();
  const domain = address.slice(at + 1).normalize('NFC').toLowerCase();
  // domainToASCII gives '' for what is no domain: kept as written, compared as such.
  const ascii = /^[\x00-\x7f]*$/.test(domain) ? domain : domainToASCII(domain) || domain;
  return `${local}@${ascii.toLowerCase()}`;
}
