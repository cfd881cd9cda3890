// The referral's answers checked against the reference data on the page where each is given, not four pages later
// at "Send referral": a postcode the directory does not know is refused on the patient page (the home postcode) or
// the preferences page (another origin, such as a relative's), linked to its own box.
import { nationOfPostcode } from '../../domain/postcode-nation.ts';
import type { PostcodeDirectory } from '../../reference/postcodes.ts';
import type { FieldError } from '../../web/forms.ts';

/** The directory of postcodes covers Great Britain only: a postcode from elsewhere is not a typing mistake. */
function notInGreatBritain(postcode: string): string | null {
  const nation = nationOfPostcode(postcode)?.nation;
  return nation === 'Northern Ireland' || nation === 'Isle of Man' || nation === 'Channel Islands'
    ? `${postcode} is in ${nation === 'Channel Islands' ? 'the Channel Islands' : nation === 'Isle of Man' ? 'the Isle of Man' : nation}: this service lists NHS services in England and can measure distance only from postcodes in Great Britain`
    : null;
}

/** The patient's home postcode (a full one, as the form already checked): null when the directory knows it. */
export async function homePostcodeError(postcodes: PostcodeDirectory, postcode: string): Promise<FieldError | null> {
  const found = await postcodes.lookup(postcode);
  if ('found' in found) return null;
  const message = 'unknown' in found
    ? (notInGreatBritain(found.unknown) ?? `We cannot find ${found.unknown}. Check the patient's postcode and enter it again`)
    : 'Enter a full postcode, like LS1 4AP';
  return { field: 'postcode', href: '#postcode', message };
}

/** Another postcode to measure distance from (full or partial, as the form already checked): null when known. */
export async function originPostcodeError(postcodes: PostcodeDirectory, postcode: string): Promise<FieldError | null> {
  const found = await postcodes.lookup(postcode);
  if ('found' in found) return null;
  const message = 'unknown' in found
    ? (notInGreatBritain(found.unknown) ?? `We cannot find ${found.unknown}. Check the postcode, or enter the first part only, like ${found.unknown.split(' ')[0]}`)
    : 'Enter a real postcode, like LS1 4AP';
  return { field: 'originPostcode', href: '#originPostcode', message };
}
