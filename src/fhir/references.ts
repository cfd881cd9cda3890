// References as clients write them: relative ("Slot/…"), absolute (".../fhir/R4/Slot/…"), or, where FHIR search
// allows it, the bare id. Read here for references in resources and in search values alike.

const ID = /^[A-Za-z0-9\-.]{1,64}$/;

/** The id a reference to `type` names, or null when it names another type or is not a reference at all. */
export function idOfReference(reference: string, type: string, options: { bareId?: boolean } = {}): string | null {
  const parts = reference.split('?')[0]!.split('/');
  if (parts.length === 1) return options.bareId && ID.test(reference) ? reference : null;
  const [kind, id] = parts.slice(-2) as [string, string];
  return kind === type && ID.test(id) ? id : null;
}
