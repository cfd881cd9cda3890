// Great-circle distances, as the design notes require: haversine on a sphere of the mean Earth radius.

export const EARTH_RADIUS_KM = 6371.0088;
export const KM_PER_MILE = 1.609344;

export interface LatLng {
  latitude: number;
  longitude: number;
}

const rad = (deg: number) => (deg * Math.PI) / 180;

/** A point in radians with its latitude's cosine: what the haversine formula needs of each end. */
export interface PreparedPoint {
  lat: number;
  lng: number;
  cosLat: number;
}

export function prepare(p: LatLng): PreparedPoint {
  const lat = rad(p.latitude);
  return { lat, lng: rad(p.longitude), cosLat: Math.cos(lat) };
}

/** The haversine distance between two prepared points; the one formula every distance here comes from. */
export function kmBetween(a: PreparedPoint, lat: number, lng: number, cosLat: number): number {
  const sinDLat = Math.sin((lat - a.lat) / 2);
  const sinDLng = Math.sin((lng - a.lng) / 2);
  const h = sinDLat * sinDLat + a.cosLat * cosLat * sinDLng * sinDLng;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function haversineKm(a: LatLng, b: LatLng): number {
  const p = prepare(b);
  return kmBetween(prepare(a), p.lat, p.lng, p.cosLat);
}

export const kmToMiles = (km: number) => km / KM_PER_MILE;
export const milesToKm = (miles: number) => miles * KM_PER_MILE;

/**
 * A latitude/longitude box that contains every point within `km` of the centre, so a database index
 * can discard far-away rows before the exact haversine test. Near the poles it widens to all longitudes.
 */
export function boundingBox(centre: LatLng, km: number) {
  const dLat = (km / EARTH_RADIUS_KM) * (180 / Math.PI);
  const cosLat = Math.cos(rad(centre.latitude));
  const dLng = cosLat < 1e-6 ? 180 : Math.min(180, dLat / cosLat);
  return {
    minLat: centre.latitude - dLat,
    maxLat: centre.latitude + dLat,
    minLng: centre.longitude - dLng,
    maxLng: centre.longitude + dLng,
  };
}

export const round1 = (x: number) => Math.round(x * 10) / 10;
export const round2 = (x: number) => Math.round(x * 100) / 100;
