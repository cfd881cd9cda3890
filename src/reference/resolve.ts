// Turning what a caller typed into known reference data, with the problem to show when it is not.
import { badRequest, unprocessable } from '../http/problem.ts';
import type { Located, PostcodeDirectory } from './postcodes.ts';

/** Accepts '110' or the RTT statistics' 'C_110'. */
export function specialtyCodeOf(input: string): string {
  return input.trim().toUpperCase().replace(/^C_/, '');
}

export function resolveSpecialty(
  specialties: ReadonlyMap<string, { code: string; name: string }>,
  input: string,
  field = 'specialty',
): { code: string; name: string } {
  const specialty = specialties.get(specialtyCodeOf(input));
  if (!specialty) {
    throw unprocessable(`"${input.slice(0, 20)}" is not a treatment function code we know.`, [
      { field, message: 'Choose a specialty from GET /api/v1/specialties, such as "110" (Trauma and Orthopaedics)' },
    ]);
  }
  return specialty;
}

export async function resolveOrigin(postcodes: PostcodeDirectory, input: string, field = 'postcode'): Promise<Located> {
  const result = await postcodes.lookup(input);
  if ('malformed' in result) {
    throw badRequest(`"${input.slice(0, 20)}" is not a UK postcode.`, [
      { field, message: 'Enter a real postcode, like LS1 4AP (or the first part, like LS1)' },
    ]);
  }
  if ('unknown' in result) {
    throw unprocessable(`Postcode ${result.unknown} is not in the postcode directory (Great Britain, October 2025).`, [
      { field, message: `We cannot find ${result.unknown}. Check it, or enter the first part only, like ${result.unknown.split(' ')[0]}` },
    ]);
  }
  return result.found;
}
