// How much of a service's free slots one listing answers, for every interface that lists them (the JSON API's
// GET /api/v1/services/{id}/slots and the FHIR Slot search): a caller may not make one request read half a year's
// diary and beyond, nor receive thousands of slots at once.

/** The longest window of time a listing of slots may cover. */
export const MAX_WINDOW_WEEKS = 26;

/** The most free slots one answer holds. */
export const MAX_FREE_SLOTS = 500;
