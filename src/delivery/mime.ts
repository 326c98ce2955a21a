/**
 * The one place that imports nodemailer's internal modules (`nodemailer/lib/*`): its header
 * encoder, parameter builder, line folder and MIME types, which compose.ts uses to lay out a
 * message once per run, the DATA stream smtp-data.ts speeds up, the envelope smtp-utf8.ts guards
 * (SMTPConnection), and the SMTP pool transport.ts
 * hands each message to without nodemailer's composer (the pool is the transport nodemailer's
 * `pool: true` builds; what it is given is its documented transport interface, `mail.data` and
 * `mail.message`). They are not nodemailer's public API: tests/adapters.test.ts,
 * tests/smtp-data.test.ts and the SMTP tests pin what relais relies on, so that an update that
 * changes them fails there.
 */
export { buildHeaderValue, detectMimeType, foldLines } from 'nodemailer/lib/mime-funcs';
export { default as MimeNode, type MimeNodeHeaderValue } from 'nodemailer/lib/mime-node';
export { default as DataStream } from 'nodemailer/lib/smtp-connection/data-stream';
export { default as SMTPPool } from 'nodemailer/lib/smtp-pool';
export { default as SMTPConnection } from 'nodemailer/lib/smtp-connection';
