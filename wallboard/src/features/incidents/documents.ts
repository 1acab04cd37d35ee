/**
 * The operations the open-incidents panel sends. The server must accept them as written
 * (urql adds `__typename` to each selection set).
 */
const INCIDENT_FIELDS = `id number title severity status level openedAt product { code name } requester { name organization }`;

export const BOARD_QUERY = `query Board { now incidents(filter: { open: true }, first: 200) { totalCount edges { node { ${INCIDENT_FIELDS} } } } }`;

export const EVENTS_SUBSCRIPTION = `subscription Events($after: String) { incidentEvents(afterSequence: $after) { id sequence type at incident { ${INCIDENT_FIELDS} } } }`;

/** How many open incidents the Board query asks for. */
export const BOARD_PAGE_SIZE = 200;
