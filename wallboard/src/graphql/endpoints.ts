/** Where GraphQL lives: same origin and port as the page, path /graphql, HTTP and WebSocket. */
export const GRAPHQL_PATH = "/graphql";

export interface Endpoints {
  http: string;
  ws: string;
}

/** Endpoints for a page location (`window.location`): https pages use wss, http pages ws. */
export function graphqlEndpoints(location: { protocol: string; host: string }): Endpoints {
  const secure = location.protocol === "https:";
  return {
    http: `${location.protocol}//${location.host}${GRAPHQL_PATH}`,
    ws: `${secure ? "wss:" : "ws:"}//${location.host}${GRAPHQL_PATH}`,
  };
}
