import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * The service's logger. Query strings are dropped from logged URLs (a page's query can hold a patient's
 * postcode), UBRNs in paths are replaced, and credentials are redacted: nothing about a patient belongs in a log.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.accessCode'], censor: '[redacted]' },
    serializers: {
      req(req: { method?: string; url?: string; id?: string }) {
        return { id: req.id, method: req.method, path: req.url?.split('?')[0]?.replace(/\d{12}/g, '<ubrn>') };
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
