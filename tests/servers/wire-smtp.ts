import { createServer, type AddressInfo, type Socket } from 'node:net';

/**
 * An SMTP server that records the command lines exactly as they come over the wire (the bytes,
 * read as UTF-8), for the tests of the envelope itself: smtp-server parses addresses and DSN
 * parameters (punycode turned back into Unicode, xtext decoded as Latin-1), which hides what the
 * client really sent. It offers the EHLO extensions it is given, accepts every command (`rcpt`
 * may refuse a recipient), and answers DATA with 554 when no recipient was accepted, as real
 * servers do.
 */
export interface WireSmtp {
  url: string;
  /** Every command line received, in order, without its CRLF. */
  commands: string[];
  /** The messages received (DATA, dot-stuffing left as sent). */
  messages: Buffer[];
  close(): Promise<void>;
}

export async function wireSmtp(extensions: string[], rcpt: (line: string) => string = () => '250 2.1.5 OK'): Promise<WireSmtp> {
  const commands: string[] = [];
  const messages: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffer = Buffer.alloc(0);
    let inData = false;
    let recipients = 0;
    socket.write('220 wire ESMTP\r\n');
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          messages.push(buffer.subarray(0, end + 2));
          buffer = buffer.subarray(end + 5);
          inData = false;
          socket.write('250 2.0.0 queued\r\n');
          continue;
        }
        const eol = buffer.indexOf('\r\n');
        if (eol < 0) return;
        const line = buffer.subarray(0, eol).toString('utf8');
        buffer = buffer.subarray(eol + 2);
        commands.push(line);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') socket.write(['wire', ...extensions].map((e, i, all) => `250${i === all.length - 1 ? ' ' : '-'}${e}`).join('\r\n') + '\r\n');
        else if (verb === 'HELO') socket.write('250 wire\r\n');
        else if (verb === 'MAIL') {
          recipients = 0;
          socket.write('250 2.1.0 OK\r\n');
        } else if (verb === 'RCPT') {
          const reply = rcpt(line);
          if (reply.startsWith('250')) recipients++;
          socket.write(`${reply}\r\n`);
        } else if (verb === 'DATA') {
          if (recipients === 0) socket.write('554 5.5.1 no valid recipients\r\n');
          else {
            inData = true;
            socket.write('354 go ahead\r\n');
          }
        } else if (verb === 'QUIT') return void socket.end('221 bye\r\n');
        else if (verb === 'RSET' || verb === 'NOOP') socket.write('250 OK\r\n');
        else socket.write('502 5.5.2 command not implemented\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    commands,
    messages,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
