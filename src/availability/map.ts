// The choice-availability map, drawn by our own code: no tiles, no network. Points are placed by longitude and
// latitude on an equirectangular projection scaled by the cosine of the middle latitude (so a mile east and a mile
// north are about as long on the screen at an ICB's size). Each practice is marked by how many providers it can
// reach, by shape as well as colour: a cross for none, a hollow triangle for 1 to 4, a filled circle for 5 or more.
import type { LatLng } from '../domain/distance.ts';
import { ENOUGH_PROVIDERS } from './reach.ts';

export type Mark = 'none' | 'few' | 'enough';

export const markOf = (providers: number): Mark => (providers === 0 ? 'none' : providers < ENOUGH_PROVIDERS ? 'few' : 'enough');

export interface Projection {
  width: number;
  height: number;
  place(p: LatLng): { x: number; y: number };
}

const MAX_WIDTH = 640;
const MAX_HEIGHT = 560;
const PAD = 14;
/** The least span drawn, in degrees, so one practice alone still makes a map. */
const MIN_SPAN = 0.02;
const round1 = (x: number) => Math.round(x * 10) / 10;

/** A projection that fits every point inside the box, with a margin for the marks. */
export function projectionFor(points: readonly LatLng[]): Projection {
  const lats = points.map((p) => p.latitude);
  const lngs = points.map((p) => p.longitude);
  const [minLat, maxLat] = lats.length ? [Math.min(...lats), Math.max(...lats)] : [53, 54];
  const [minLng, maxLng] = lngs.length ? [Math.min(...lngs), Math.max(...lngs)] : [-2, -1];
  const k = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const spanX = Math.max(MIN_SPAN, (maxLng - minLng) * k);
  const spanY = Math.max(MIN_SPAN, maxLat - minLat);
  const scale = Math.min((MAX_WIDTH - 2 * PAD) / spanX, (MAX_HEIGHT - 2 * PAD) / spanY);
  // The larger span fills its side exactly: rounding must not carry it a pixel past the most allowed.
  const width = Math.min(MAX_WIDTH, Math.ceil(spanX * scale + 2 * PAD));
  const height = Math.min(MAX_HEIGHT, Math.ceil(spanY * scale + 2 * PAD));
  // Centred when a span was widened to the least one.
  const x0 = (width - (maxLng - minLng) * k * scale) / 2;
  const y0 = (height - (maxLat - minLat) * scale) / 2;
  return {
    width,
    height,
    place: (p) => ({ x: round1(x0 + (p.longitude - minLng) * k * scale), y: round1(y0 + (maxLat - p.latitude) * scale) }),
  };
}

export interface MapInput {
  practices: readonly (LatLng & { odsCode: string; name: string; providers: number })[];
  sites: readonly (LatLng & { odsCode: string; name: string })[];
}

export interface AvailabilityMap {
  width: number;
  height: number;
  practices: { odsCode: string; name: string; providers: number; mark: Mark; x: number; y: number }[];
  sites: { odsCode: string; name: string; x: number; y: number }[];
  counts: Record<Mark, number>;
}

/** Where each practice and site goes, and how each practice is marked; the view draws it (views/_availability-map.njk). */
export function drawMap(input: MapInput): AvailabilityMap {
  const projection = projectionFor([...input.practices, ...input.sites]);
  const counts: Record<Mark, number> = { none: 0, few: 0, enough: 0 };
  const practices = input.practices.map((p) => {
    const mark = markOf(p.providers);
    counts[mark]++;
    return { odsCode: p.odsCode, name: p.name, providers: p.providers, mark, ...projection.place(p) };
  });
  // Drawn first, so practices lie above the sites they are near.
  const sites = input.sites.map((s) => ({ odsCode: s.odsCode, name: s.name, ...projection.place(s) }));
  return { width: projection.width, height: projection.height, practices, sites, counts };
}
