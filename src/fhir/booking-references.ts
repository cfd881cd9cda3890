// References as booking clients write them: relative ("Slot/…"), absolute (".../fhir/R4/Slot/…"), or, where FHIR
// search allows it, the bare id.
import { badRequest } from '../http/problem.ts';

const ID = /^[A-Za-z0-9\-.]{1,64}$/;

/** The id a reference to `type` names, or null when it names another type or is not a reference at all. */
export function idOfReference(reference: string, type: string, options: { bareId?: boolean } = {}): string | null {
  const parts = reference.split('?')[0]!.split('/');
  if (parts.length === 1) return options.bareId && ID.test(reference) ? reference : null;
  const [kind, id] = parts.slice(-2) as [string, string];
  return kind === type && ID.test(id) ? id : null;
}

/** A search parameter's reference to `type`, or a 400 naming the parameter. */
export function searchReference(value: string, type: string, name: string): string {
  const id = idOfReference(value, type, { bareId: true });
  if (!id) throw badRequest(`The search parameter ${name} must name a ${type}: ${type}/{id}.`, [{ field: name, message: `must be ${type}/{id}` }]);
  return id;
}
