// A real SMTP server for the e2e suite: it accepts every mail the API sends and serves
// them as JSON over HTTP so specs can read the verification link.
//   SMTP: 127.0.0.1:$E2E_SMTP_PORT    HTTP: GET http://127.0.0.1:$E2E_SINK_HTTP_PORT/messages?to=addr
import http from 'node:http';

import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

const smtpPort = Number(process.env.E2E_SMTP_PORT ?? 8725);
const httpPort = Number(process.env.E2E_SINK_HTTP_PORT ?? 8726);
const messages = [];

const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onData(stream, session, callback) {
    simpleParser(stream)
      .then((mail) => {
        messages.push({
          to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
          subject: mail.subject ?? '',
          text: mail.text ?? '',
          html: typeof mail.html === 'string' ? mail.html : '',
        });
        callback();
      })
      .catch(callback);
  },
});
smtp.listen(smtpPort, '127.0.0.1');

http
  .createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${httpPort}`);
    if (url.pathname === '/health') {
      res.end('ok');
      return;
    }
    if (url.pathname === '/messages') {
      const to = url.searchParams.get('to')?.toLowerCase();
      const found = to ? messages.filter((m) => m.to.includes(to)) : messages;
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(found));
      return;
    }
    res.statusCode = 404;
    res.end();
  })
  .listen(httpPort, '127.0.0.1');

console.log(`mail sink: SMTP ${smtpPort}, HTTP ${httpPort}`);
