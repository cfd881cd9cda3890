// What a search of the read audit may ask, for the API and the page alike.
import { z } from 'zod';
import { isValidNhsNumber, standardiseNhsNumber } from '../domain/nhs-number.ts';
import { UbrnText } from '../http/schemas.ts';

export const NhsNumberText = z.string().transform(standardiseNhsNumber).pipe(z.string().refine(isValidNhsNumber, 'must be a valid 10-digit NHS number'));
// A date alone means the whole of that (UTC) day at either end.
export const Instant = (end: 'from' | 'to') =>
  z.string().transform((text, ctx) => {
    const at = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T${end === 'from' ? '00:00:00.000' : '23:59:59.999'}Z` : text);
    if (Number.isNaN(at.getTime()) || at.getUTCFullYear() > 9999 || at.getUTCFullYear() < 2000) {
      ctx.addIssue({ code: 'custom', message: 'must be a date (2026-12-04) or a date and time (2026-12-04T09:30:00Z)' });
      return z.NEVER;
    }
    return at;
  });

export const ReadSearchQuery = z.object({
  nhsNumber: NhsNumberText.optional(),
  ubrn: UbrnText.optional(),
  accountId: z.coerce.number().int().min(1).optional(),
  from: Instant('from').optional(),
  to: Instant('to').optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

