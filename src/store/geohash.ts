/**
 * Geohashes as Redis computes them (geohash.c, geohash_helper.c), so that scores,
 * coordinates, distances and search results are the same number for number.
 *
 * A position is a cell of a grid that halves longitude [-180, 180] and latitude
 * [-85.05112878, 85.05112878] `step` times each; its hash interleaves the cell's latitude
 * index (even bits) and longitude index (odd bits). GEOADD stores the 52-bit hash of
 * step 26 as the member's score. A search covers its shape with the cell that holds the
 * centre and its 8 neighbours, at a step chosen from the radius, and reads each cell's
 * score range from the sorted set.
 */

import * as libm from './libm.js';

export const GEO_STEP_MAX = 26;
export const GEO_LAT_MIN = -85.05112878;
export const GEO_LAT_MAX = 85.05112878;
export const GEO_LONG_MIN = -180;
export const GEO_LONG_MAX = 180;

const D_R = Math.PI / 180.0;
const EARTH_RADIUS_IN_METERS = 6372797.560856;
const MERCATOR_MAX = 20037726.37;

export interface Range {
  min: number;
  max: number;
}

/** A cell: its latitude and longitude indexes at `step` (both 0 in Redis's "zero" hash). */
export interface Cell {
  lat: number;
  lon: number;
  step: number;
}

export interface Area {
  longitude: Range;
  latitude: Range;
}

const WGS84_LONG: Range = { min: GEO_LONG_MIN, max: GEO_LONG_MAX };
const WGS84_LAT: Range = { min: GEO_LAT_MIN, max: GEO_LAT_MAX };
/** GEOHASH re-encodes with the standard latitude range. */
export const STANDARD_LAT: Range = { min: -90, max: 90 };

/** The interleaved bits of a cell: latitude bits even, longitude bits odd. */
export function cellBits(cell: Cell): number {
  const { lat, lon } = cell;
  if (lat < 2 ** 26 && lon < 2 ** 26) {
    let bits = 0;
    for (let i = 25; i >= 0; i--) bits = bits * 4 + (((lon >>> i) & 1) << 1) + ((lat >>> i) & 1);
    return bits;
  }
  // A coordinate on the range's upper edge indexes one past the last cell (as in Redis,
  // where the bits then pass 52 and the score is their nearest double).
  let bits = 0n;
  for (let i = 31; i >= 0; i--) bits = (bits << 2n) | BigInt((((lon >>> i) & 1) << 1) | ((lat >>> i) & 1));
  return Number(bits);
}

/** Redis's (uint64_t) cast of a score, then deinterleave64: the cell of a 52-bit score at step 26. */
export function cellOfScore(score: number): Cell {
  let lat = 0;
  let lon = 0;
  if (score >= 0 && score < 2 ** 64 && Number.isInteger(score)) {
    let rest = score;
    for (let i = 0; i < 32 && rest > 0; i++) {
      const pair = rest % 4;
      rest = Math.floor(rest / 4);
      lat |= (pair & 1) << i;
      lon |= (pair >> 1) << i;
    }
  } else {
    // Scores no GEOADD writes (set with ZADD): the C conversion's bits, two's complement.
    let bits = BigInt.asUintN(64, BigInt(Math.trunc(Number.isFinite(score) ? score : 0)));
    for (let i = 0; i < 32; i++) {
      lat |= Number(bits & 1n) << i;
      lon |= Number((bits >> 1n) & 1n) << i;
      bits >>= 2n;
    }
  }
  return { lat: lat >>> 0, lon: lon >>> 0, step: GEO_STEP_MAX };
}

/** Redis's geohashEncode: the cell of a coordinate, or null outside the ranges. */
export function encode(longRange: Range, latRange: Range, longitude: number, latitude: number, step: number): Cell | null {
  if (longitude > GEO_LONG_MAX || longitude < GEO_LONG_MIN || latitude > GEO_LAT_MAX || latitude < GEO_LAT_MIN) return null;
  if (latitude < latRange.min || latitude > latRange.max || longitude < longRange.min || longitude > longRange.max) return null;
  const latOffset = ((latitude - latRange.min) / (latRange.max - latRange.min)) * 2 ** step;
  const longOffset = ((longitude - longRange.min) / (longRange.max - longRange.min)) * 2 ** step;
  return { lat: Math.trunc(latOffset), lon: Math.trunc(longOffset), step };
}

export function encodeWGS84(longitude: number, latitude: number, step: number): Cell | null {
  return encode(WGS84_LONG, WGS84_LAT, longitude, latitude, step);
}

/** Redis's geohashAlign52Bits: the cell's bits as a step-26 score prefix. */
export function align52(cell: Cell): number {
  return cellBits(cell) * 2 ** (52 - cell.step * 2);
}

/** Redis's geohashDecode: the cell's bounds. */
export function decode(longRange: Range, latRange: Range, cell: Cell): Area {
  const latScale = latRange.max - latRange.min;
  const longScale = longRange.max - longRange.min;
  const div = 2 ** cell.step;
  return {
    latitude: { min: latRange.min + (cell.lat * 1.0 / div) * latScale, max: latRange.min + ((cell.lat + 1) * 1.0 / div) * latScale },
    longitude: { min: longRange.min + (cell.lon * 1.0 / div) * longScale, max: longRange.min + ((cell.lon + 1) * 1.0 / div) * longScale },
  };
}

/** The centre of a score's cell: [longitude, latitude] (Redis's decodeGeohash). */
export function decodeScore(score: number): [number, number] {
  const area = decode(WGS84_LONG, WGS84_LAT, cellOfScore(score));
  // A cell past the upper edge (a coordinate exactly on it) has its centre outside.
  const lon = Math.min(GEO_LONG_MAX, Math.max(GEO_LONG_MIN, (area.longitude.min + area.longitude.max) / 2));
  const lat = Math.min(GEO_LAT_MAX, Math.max(GEO_LAT_MIN, (area.latitude.min + area.latitude.max) / 2));
  return [lon, lat];
}

/** Standard geohash text (11 chars) of a score: decoded, re-encoded over latitude ±90. */
export function geohashString(score: number): string {
  const alphabet = '0123456789bcdefghjkmnpqrstuvwxyz';
  const [lon, lat] = decodeScore(score);
  const cell = encode(WGS84_LONG, STANDARD_LAT, lon, lat, 26);
  const bits = cell === null ? 0 : cellBits(cell);
  let out = '';
  for (let i = 0; i < 11; i++) {
    // 52 bits make ten characters and two bits; the 11th is padded with zeros.
    const idx = i === 10 ? 0 : Math.floor(bits / 2 ** (52 - (i + 1) * 5)) % 32;
    out += alphabet[idx];
  }
  return out;
}

const degRad = (ang: number) => ang * D_R;
const radDeg = (ang: number) => ang / D_R;

/**
 * Redis's geohashGetDistance: haversine on a sphere of Redis's radius, in meters. V8's
 * sin/cos/asin may differ from glibc's in the last bit, which no 4-decimal distance and
 * practically no radius test can see; preciseDistance is for where all 17 digits show.
 */
export function distance(lon1d: number, lat1d: number, lon2d: number, lat2d: number): number {
  const lat1r = degRad(lat1d);
  const lon1r = degRad(lon1d);
  const lat2r = degRad(lat2d);
  const lon2r = degRad(lon2d);
  const u = Math.sin((lat2r - lat1r) / 2);
  const v = Math.sin((lon2r - lon1r) / 2);
  return 2.0 * EARTH_RADIUS_IN_METERS * Math.asin(Math.sqrt(u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v));
}

/** distance() with correctly rounded sin/cos/asin (store/libm.ts), as glibc computes it: for STOREDIST scores. */
export function preciseDistance(lon1d: number, lat1d: number, lon2d: number, lat2d: number): number {
  const lat1r = degRad(lat1d);
  const lon1r = degRad(lon1d);
  const lat2r = degRad(lat2d);
  const lon2r = degRad(lon2d);
  const u = libm.sin((lat2r - lat1r) / 2);
  const v = libm.sin((lon2r - lon1r) / 2);
  return 2.0 * EARTH_RADIUS_IN_METERS * libm.asin(Math.sqrt(u * u + libm.cos(lat1r) * libm.cos(lat2r) * v * v));
}

/** A search shape; sizes are in the unit, `conversion` meters per unit. */
export type Shape =
  | { type: 'circle'; lon: number; lat: number; radius: number; conversion: number }
  | { type: 'box'; lon: number; lat: number; width: number; height: number; conversion: number };

/** The distance in meters from the shape's centre when the point is inside it, else -1. */
export function distanceIfInShape(shape: Shape, lon: number, lat: number): number {
  if (shape.type === 'circle') {
    const d = distance(shape.lon, shape.lat, lon, lat);
    return d > shape.radius * shape.conversion ? -1 : d;
  }
  const widthM = shape.width * shape.conversion;
  const heightM = shape.height * shape.conversion;
  const lonDistance = distance(lon, lat, shape.lon, lat);
  const latDistance = distance(lon, lat, lon, shape.lat);
  if (lonDistance > widthM / 2 || latDistance > heightM / 2) return -1;
  return distance(shape.lon, shape.lat, lon, lat);
}

/** Redis's geohashEstimateStepsByRadius. */
function estimateSteps(rangeMeters: number, lat: number): number {
  if (rangeMeters === 0) return 26;
  let step = 1;
  while (rangeMeters < MERCATOR_MAX) {
    rangeMeters *= 2;
    step++;
  }
  step -= 2;
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return step;
}

/** Redis's geohashBoundingBox: [minLon, minLat, maxLon, maxLat]. */
function boundingBox(shape: Shape): [number, number, number, number] {
  const { lon, lat } = shape;
  const height = shape.conversion * (shape.type === 'circle' ? shape.radius : shape.height / 2);
  const width = shape.conversion * (shape.type === 'circle' ? shape.radius : shape.width / 2);
  const latDelta = radDeg(height / EARTH_RADIUS_IN_METERS);
  const longDeltaTop = radDeg(width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(lat + latDelta)));
  const longDeltaBottom = radDeg(width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(lat - latDelta)));
  const southern = lat < 0;
  return [
    southern ? lon - longDeltaBottom : lon - longDeltaTop,
    lat - latDelta,
    southern ? lon + longDeltaBottom : lon + longDeltaTop,
    lat + latDelta,
  ];
}

function moved(cell: Cell, dLon: number, dLat: number): Cell {
  const mask = 2 ** cell.step - 1;
  return { lat: (cell.lat + dLat) & mask, lon: (cell.lon + dLon) & mask, step: cell.step };
}

const ZERO: Cell = { lat: 0, lon: 0, step: 0 };

/**
 * Redis's geohashCalculateAreasByShapeWGS84 and the order membersOfAllNeighbors reads
 * them in: centre, N, S, E, W, NE, NW, SE, SW. Cells that cannot hold a match are ZERO
 * (step 0) and skipped, and so is a neighbour equal to the neighbour read before it.
 */
export function searchCells(shape: Shape): Cell[] {
  const [minLon, minLat, maxLon, maxLat] = boundingBox(shape);
  const radiusMeters =
    (shape.type === 'circle' ? shape.radius : Math.sqrt((shape.width / 2) * (shape.width / 2) + (shape.height / 2) * (shape.height / 2))) *
    shape.conversion;
  let steps = estimateSteps(radiusMeters, shape.lat);
  let centre = encodeWGS84(shape.lon, shape.lat, steps)!;
  let area = decode(WGS84_LONG, WGS84_LAT, centre);
  const north = decode(WGS84_LONG, WGS84_LAT, moved(centre, 0, 1));
  const south = decode(WGS84_LONG, WGS84_LAT, moved(centre, 0, -1));
  const east = decode(WGS84_LONG, WGS84_LAT, moved(centre, 1, 0));
  const west = decode(WGS84_LONG, WGS84_LAT, moved(centre, -1, 0));
  // Near a cell's edge the estimated step may leave part of the shape outside the 9 cells.
  const decrease = north.latitude.max < maxLat || south.latitude.min > minLat || east.longitude.max < maxLon || west.longitude.min > minLon;
  if (steps > 1 && decrease) {
    steps--;
    centre = encodeWGS84(shape.lon, shape.lat, steps)!;
    area = decode(WGS84_LONG, WGS84_LAT, centre);
  }
  let n = moved(centre, 0, 1);
  let s = moved(centre, 0, -1);
  let e = moved(centre, 1, 0);
  let w = moved(centre, -1, 0);
  let ne = moved(centre, 1, 1);
  let nw = moved(centre, -1, 1);
  let se = moved(centre, 1, -1);
  let sw = moved(centre, -1, -1);
  if (steps >= 2) {
    if (area.latitude.min < minLat) s = se = sw = ZERO;
    if (area.latitude.max > maxLat) n = ne = nw = ZERO;
    if (area.longitude.min < minLon) w = sw = nw = ZERO;
    if (area.longitude.max > maxLon) e = se = ne = ZERO;
  }
  const all = [centre, n, s, e, w, ne, nw, se, sw];
  const out: Cell[] = [];
  let lastProcessed = 0;
  for (let i = 0; i < all.length; i++) {
    const cell = all[i]!;
    if (cell.step === 0 && cell.lat === 0 && cell.lon === 0) continue;
    // With a huge radius neighbours can be the same cell: read it once. (Redis compares
    // with the last cell read only from the first neighbour on, never with the centre.)
    const last = all[lastProcessed]!;
    if (lastProcessed !== 0 && last.lat === cell.lat && last.lon === cell.lon && last.step === cell.step) continue;
    out.push(cell);
    lastProcessed = i;
  }
  return out;
}

/** The score range [min, max) of the step-26 cells inside `cell`. */
export function scoreRange(cell: Cell): [number, number] {
  const shift = 2 ** (52 - cell.step * 2);
  const bits = cellBits(cell);
  return [bits * shift, (bits + 1) * shift];
}
