/** An SMTP server that accepts and discards everything: the far end of the send benchmark, in its own process. */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['AUTH', 'STARTTLS'],
  logger: false,
  size: 0,
  onData(stream, _session, callback) {
    stream.on('data', () => undefined);
    stream.on('end', () => callback());
  },
});
server.listen(0, '127.0.0.1', () => {
  const port = ((server as unknown as { server: { address(): AddressInfo } }).server.address() as AddressInfo).port;
  process.stdout.write(`${port}\n`);
});
process.on('SIGTERM', () => server.close(() => undefined));
process.on('disconnect', () => server.close(() => undefined));
