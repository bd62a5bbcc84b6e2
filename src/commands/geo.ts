/**
 * Geospatial commands on sorted sets whose scores are 52-bit geohashes (store/geohash.ts):
 * GEOADD GEODIST GEOHASH GEOPOS GEOSEARCH GEOSEARCHSTORE GEORADIUS GEORADIUSBYMEMBER and
 * the _RO forms. Results come in Redis's order: the 9 cells in its order, members by
 * score within a cell, then sorted by distance (stably) when ASC/DESC or COUNT asks.
 */
import type { Session } from '../engine/session.js';
import type { CommandDecl, KeySpecDecl } from './types.js';
import { NOTIFY_GENERIC, NOTIFY_ZSET } from '../engine/notify.js';
import { ZSetValue } from '../store/zset.js';
import {
  GEO_LAT_MAX,
  GEO_LAT_MIN,
  GEO_LONG_MAX,
  GEO_LONG_MIN,
  GEO_STEP_MAX,
  type Shape,
  align52,
  decodeScore,
  distance,
  distanceIfInShape,
  encodeWGS84,
  geohashString,
  preciseDistance,
  scoreRange,
  searchCells,
} from '../store/geohash.js';
import { formatFixed, formatHuman, fromDouble } from './longdouble.js';
import { SYNTAX, intArg, parseDouble, readTyped } from './util.js';
import { zadd, zsetLimits } from './zsets.js';

const readZset = (s: Session, key: string) => readTyped(s, key, ZSetValue);

/** printf("%f") / "%.4f" of a double, as Redis prints coordinates in errors and distances. */
function fixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return x < 0 ? '-nan' : 'nan';
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : 'inf';
  return formatFixed(fromDouble(x), digits);
}

/** Redis's addReplyHumanLongDouble: "%.17Lf" trimmed, a bulk string in RESP2, a double in RESP3. */
function replyCoordinate(s: Session, x: number): void {
  s.reply.double(x, formatHuman(fromDouble(x)));
}

/** Redis's getDoubleFromObjectOrReply with an optional error text. */
function doubleArg(s: Session, arg: string, error = 'ERR value is not a valid float'): number | null {
  const v = parseDouble(arg);
  if (v === null || ((v === Infinity || v === -Infinity) && !/inf/i.test(arg))) {
    s.reply.error(error);
    return null;
  }
  return v;
}

/** Redis's extractLongLatOrReply: [longitude, latitude] within the indexable ranges. */
function lonLatArgs(s: Session, argv: string[], at: number): [number, number] | null {
  const lon = doubleArg(s, argv[at]!);
  if (lon === null) return null;
  const lat = doubleArg(s, argv[at + 1]!);
  if (lat === null) return null;
  if (lon < GEO_LONG_MIN || lon > GEO_LONG_MAX || lat < GEO_LAT_MIN || lat > GEO_LAT_MAX) {
    s.reply.error(`ERR invalid longitude,latitude pair ${fixed(lon, 6)},${fixed(lat, 6)}`);
    return null;
  }
  return [lon, lat];
}

/** Redis's extractUnitOrReply: meters per unit, or null after the error. */
function unitArg(s: Session, arg: string): number | null {
  switch (arg.toLowerCase()) {
    case 'm':
      return 1;
    case 'km':
      return 1000;
    case 'ft':
      return 0.3048;
    case 'mi':
      return 1609.34;
    default:
      s.reply.error('ERR unsupported unit provided. please use M, KM, FT, MI');
      return null;
  }
}

function geoadd(s: Session, argv: string[]): void {
  let xx = false;
  let nx = false;
  let at = 2;
  for (; at < argv.length; at++) {
    const opt = argv[at]!.toLowerCase();
    if (opt === 'nx') nx = true;
    else if (opt === 'xx') xx = true;
    else if (opt !== 'ch') break;
  }
  if ((argv.length - at) % 3 !== 0 || (xx && nx)) return s.reply.error(SYNTAX);
  // Redis rewrites GEOADD into the ZADD of the encoded scores and runs that.
  const zargv = argv.slice(0, at);
  zargv[0] = 'zadd';
  for (let i = at; i < argv.length; i += 3) {
    const xy = lonLatArgs(s, argv, i);
    if (xy === null) return;
    const cell = encodeWGS84(xy[0], xy[1], GEO_STEP_MAX)!;
    zargv.push(String(align52(cell)), argv[i + 2]!);
  }
  zadd(s, zargv, false);
}

function geopos(s: Session, argv: string[]): void {
  const z = readZset(s, argv[1]!);
  if (z === null) return;
  s.reply.array(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const score = z?.score(argv[j]!);
    if (score === undefined) {
      s.reply.nilArray();
      continue;
    }
    const [lon, lat] = decodeScore(score);
    s.reply.array(2);
    replyCoordinate(s, lon);
    replyCoordinate(s, lat);
  }
}

function geohash(s: Session, argv: string[]): void {
  const z = readZset(s, argv[1]!);
  if (z === null) return;
  s.reply.array(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const score = z?.score(argv[j]!);
    if (score === undefined) s.reply.nil();
    else s.reply.bulk(geohashString(score));
  }
}

function geodist(s: Session, argv: string[]): void {
  let toMeter = 1;
  if (argv.length === 5) {
    const unit = unitArg(s, argv[4]!);
    if (unit === null) return;
    toMeter = unit;
  } else if (argv.length > 5) {
    return s.reply.error(SYNTAX);
  }
  const z = readZset(s, argv[1]!);
  if (z === null) return;
  if (z === undefined) return s.reply.nil();
  const score1 = z.score(argv[2]!);
  const score2 = z.score(argv[3]!);
  if (score1 === undefined || score2 === undefined) return s.reply.nil();
  const [lon1, lat1] = decodeScore(score1);
  const [lon2, lat2] = decodeScore(score2);
  s.reply.bulk(fixed(distance(lon1, lat1, lon2, lat2) / toMeter, 4));
}

const RADIUS_COORDS = 1;
const RADIUS_MEMBER = 2;
const RADIUS_NOSTORE = 4;
const GEOSEARCH = 8;
const GEOSEARCHSTORE = 16;

interface Point {
  member: string;
  score: number;
  lon: number;
  lat: number;
  dist: number;
}

/** Redis's georadiusGeneric: every GEORADIUS*, GEOSEARCH and GEOSEARCHSTORE. */
function georadius(s: Session, argv: string[], srcIndex: number, flags: number): void {
  let storeKey: string | null = null;
  let storeDist = false;
  const z = readZset(s, argv[srcIndex]!);
  if (z === null) return;
  let baseArgs: number;
  let centre: [number, number] | null = null;
  let radius = 0;
  let width = 0;
  let height = 0;
  let conversion = 1;
  let shapeType: 'circle' | 'box' | null = null;
  if (flags & RADIUS_COORDS) {
    baseArgs = 6;
    shapeType = 'circle';
    centre = lonLatArgs(s, argv, 2);
    if (centre === null) return;
    const d = distanceArgs(s, argv, baseArgs - 2);
    if (d === null) return;
    [radius, conversion] = d;
  } else if (flags & RADIUS_MEMBER && z === undefined) {
    // No source key, but the arguments are still parsed: the reply depends on STORE.
    baseArgs = 5;
  } else if (flags & RADIUS_MEMBER) {
    baseArgs = 5;
    shapeType = 'circle';
    const score = z!.score(argv[2]!);
    if (score === undefined) return s.reply.error('ERR could not decode requested zset member');
    centre = decodeScore(score);
    const d = distanceArgs(s, argv, baseArgs - 2);
    if (d === null) return;
    [radius, conversion] = d;
  } else {
    baseArgs = 2;
    if (flags & GEOSEARCHSTORE) {
      baseArgs = 3;
      storeKey = argv[1]!;
    }
  }

  let withDist = false;
  let withHash = false;
  let withCoords = false;
  let fromMember = false;
  let fromLoc = false;
  let byRadius = false;
  let byBox = false;
  let sort: 'none' | 'asc' | 'desc' = 'none';
  let any = false;
  let count = 0;
  const remaining = argv.length - baseArgs;
  for (let i = 0; i < remaining; i++) {
    const at = baseArgs + i;
    const arg = argv[at]!.toLowerCase();
    if (arg === 'withdist') withDist = true;
    else if (arg === 'withhash') withHash = true;
    else if (arg === 'withcoord') withCoords = true;
    else if (arg === 'any') any = true;
    else if (arg === 'asc') sort = 'asc';
    else if (arg === 'desc') sort = 'desc';
    else if (arg === 'count' && i + 1 < remaining) {
      const n = intArg(s, argv[at + 1]!);
      if (n === null) return;
      if (n <= 0) return s.reply.error('ERR COUNT must be > 0');
      count = n;
      i++;
    } else if ((arg === 'store' || arg === 'storedist') && i + 1 < remaining && !(flags & RADIUS_NOSTORE) && !(flags & GEOSEARCH)) {
      storeKey = argv[at + 1]!;
      storeDist = arg === 'storedist';
      i++;
    } else if (arg === 'storedist' && flags & GEOSEARCH && flags & GEOSEARCHSTORE) {
      storeDist = true;
    } else if (arg === 'frommember' && i + 1 < remaining && flags & GEOSEARCH && !fromLoc) {
      fromMember = true;
      i++;
      if (z === undefined) continue;
      const score = z.score(argv[at + 1]!);
      if (score === undefined) return s.reply.error('ERR could not decode requested zset member');
      centre = decodeScore(score);
    } else if (arg === 'fromlonlat' && i + 2 < remaining && flags & GEOSEARCH && !fromMember) {
      centre = lonLatArgs(s, argv, at + 1);
      if (centre === null) return;
      fromLoc = true;
      i += 2;
    } else if (arg === 'byradius' && i + 2 < remaining && flags & GEOSEARCH && !byBox) {
      const d = distanceArgs(s, argv, at + 1);
      if (d === null) return;
      [radius, conversion] = d;
      shapeType = 'circle';
      byRadius = true;
      i += 2;
    } else if (arg === 'bybox' && i + 3 < remaining && flags & GEOSEARCH && !byRadius) {
      const w = doubleArg(s, argv[at + 1]!, 'ERR need numeric width');
      if (w === null) return;
      const h = doubleArg(s, argv[at + 2]!, 'ERR need numeric height');
      if (h === null) return;
      if (h < 0 || w < 0) return s.reply.error('ERR height or width cannot be negative');
      const unit = unitArg(s, argv[at + 3]!);
      if (unit === null) return;
      [width, height, conversion] = [w, h, unit];
      shapeType = 'box';
      byBox = true;
      i += 3;
    } else {
      return s.reply.error(SYNTAX);
    }
  }

  if (storeKey !== null && (withDist || withHash || withCoords)) {
    const what = flags & GEOSEARCHSTORE ? 'GEOSEARCHSTORE' : 'STORE option in GEORADIUS';
    return s.reply.error(`ERR ${what} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`);
  }
  if (flags & GEOSEARCH && !(fromMember || fromLoc)) {
    return s.reply.error(`ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${argv[0]}`);
  }
  if (flags & GEOSEARCH && !(byRadius || byBox)) {
    return s.reply.error(`ERR exactly one of BYRADIUS and BYBOX can be specified for ${argv[0]}`);
  }
  if (any && count === 0) return s.reply.error('ERR the ANY argument requires COUNT argument');

  if (z === undefined) {
    if (storeKey !== null) {
      if (s.db.delete(storeKey)) {
        s.changed(storeKey);
        s.notify(NOTIFY_GENERIC, 'del', storeKey);
      }
      return s.reply.integer(0);
    }
    return s.reply.array(0);
  }
  // COUNT means the nearest ones, unless ANY says any will do.
  if (count !== 0 && sort === 'none' && !any) sort = 'asc';

  const [lon, lat] = centre!;
  const shape: Shape =
    shapeType === 'box' ? { type: 'box', lon, lat, width, height, conversion } : { type: 'circle', lon, lat, radius, conversion };
  const limit = any ? count : 0;
  const found: Point[] = [];
  for (const cell of searchCells(shape)) {
    if (limit !== 0 && found.length >= limit) break;
    const [min, max] = scoreRange(cell);
    z.walk(z.firstRankIn({ min, max, minEx: false, maxEx: true }), false, (member, score) => {
      if (score >= max) return false;
      const [plon, plat] = decodeScore(score);
      const dist = distanceIfInShape(shape, plon, plat);
      if (dist >= 0) found.push({ member, score, lon: plon, lat: plat, dist });
      return limit === 0 || found.length < limit;
    });
  }

  if (found.length === 0 && storeKey === null) return s.reply.array(0);
  const returned = count === 0 || found.length < count ? found.length : count;
  // Redis's qsort is glibc's merge sort: stable, as Array.prototype.sort.
  if (sort === 'asc') found.sort((a, b) => (a.dist > b.dist ? 1 : a.dist === b.dist ? 0 : -1));
  else if (sort === 'desc') found.sort((a, b) => (a.dist > b.dist ? -1 : a.dist === b.dist ? 0 : 1));

  if (storeKey === null) {
    const options = (withDist ? 1 : 0) + (withCoords ? 1 : 0) + (withHash ? 1 : 0);
    s.reply.array(returned);
    for (let i = 0; i < returned; i++) {
      const p = found[i]!;
      if (options > 0) s.reply.array(options + 1);
      s.reply.bulk(p.member);
      if (withDist) s.reply.bulk(fixed(p.dist / conversion, 4));
      if (withHash) s.reply.integer(p.score);
      if (withCoords) {
        s.reply.array(2);
        replyCoordinate(s, p.lon);
        replyCoordinate(s, p.lat);
      }
    }
    return;
  }
  if (returned > 0) {
    const result = new ZSetValue(false);
    for (let i = 0; i < returned; i++) {
      const p = found[i]!;
      // Stored distances show all their digits: computed with glibc's rounding.
      result.add(p.member, storeDist ? preciseDistance(shape.lon, shape.lat, p.lon, p.lat) / conversion : p.score);
    }
    result.settle(zsetLimits(s));
    s.db.set(storeKey, result);
    s.changed(storeKey, returned);
    s.notify(NOTIFY_ZSET, flags & GEOSEARCH ? 'geosearchstore' : 'georadiusstore', storeKey);
  } else if (s.db.delete(storeKey)) {
    s.changed(storeKey);
    s.notify(NOTIFY_GENERIC, 'del', storeKey);
  }
  s.reply.integer(returned);
}

/** Redis's extractDistanceOrReply: [radius, meters per unit]. */
function distanceArgs(s: Session, argv: string[], at: number): [number, number] | null {
  const d = doubleArg(s, argv[at]!, 'ERR need numeric radius');
  if (d === null) return null;
  if (d < 0) {
    s.reply.error('ERR radius cannot be negative');
    return null;
  }
  const unit = unitArg(s, argv[at + 1]!);
  if (unit === null) return null;
  return [d, unit];
}

const geo = (d: Omit<CommandDecl, 'group'>): CommandDecl => ({ group: 'geo', ...d });

const RADIUS_COMPLEXITY =
  'O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.';
const SEARCH_COMPLEXITY =
  'O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape';

/** GEORADIUS's key specs: the source, then a STORE or STOREDIST destination found by keyword. */
function radiusKeySpecs(startFrom: number): KeySpecDecl[] {
  return [
    { flags: ['RO', 'access'], index: 1, lastKey: 0, keyStep: 1 },
    { flags: ['OW', 'update'], index: 0, lastKey: 0, keyStep: 1, keyword: { keyword: 'STORE', startFrom } },
    { flags: ['OW', 'update'], index: 0, lastKey: 0, keyStep: 1, keyword: { keyword: 'STOREDIST', startFrom } },
  ];
}

export const geoCommands: CommandDecl[] = [
  geo({
    name: 'geoadd',
    arity: -5,
    flags: ['write', 'denyoom'],
    acl: ['write', 'geo', 'slow'],
    keys: [1, 1, 1],
    keyFlags: ['RW', 'update'],
    summary: 'Add one or more geospatial items in the geospatial index represented using a sorted set',
    since: '3.2.0',
    complexity: 'O(log(N)) for each item added, where N is the number of elements in the sorted set.',
    handler: geoadd,
  }),
  geo({
    name: 'geodist',
    arity: -4,
    flags: ['readonly'],
    acl: ['read', 'geo', 'slow'],
    keys: [1, 1, 1],
    keyFlags: ['RO', 'access'],
    summary: 'Returns the distance between two members of a geospatial index',
    since: '3.2.0',
    complexity: 'O(log(N))',
    handler: geodist,
  }),
  geo({
    name: 'geohash',
    arity: -2,
    flags: ['readonly'],
    acl: ['read', 'geo', 'slow'],
    keys: [1, 1, 1],
    keyFlags: ['RO', 'access'],
    summary: 'Returns members of a geospatial index as standard geohash strings',
    since: '3.2.0',
    complexity: 'O(log(N)) for each member requested, where N is the number of elements in the sorted set.',
    handler: geohash,
  }),
  geo({
    name: 'geopos',
    arity: -2,
    flags: ['readonly'],
    acl: ['read', 'geo', 'slow'],
    keys: [1, 1, 1],
    keyFlags: ['RO', 'access'],
    summary: 'Returns longitude and latitude of members of a geospatial index',
    since: '3.2.0',
    complexity: 'O(N) where N is the number of members requested.',
    handler: geopos,
  }),
  geo({
    name: 'georadius',
    arity: -6,
    flags: ['write', 'denyoom', 'movablekeys'],
    acl: ['write', 'geo', 'slow'],
    keys: [1, 1, 1],
    keySpecs: radiusKeySpecs(6),
    summary: 'Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a point',
    since: '3.2.0',
    complexity: RADIUS_COMPLEXITY,
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` argument',
    handler: (s, argv) => georadius(s, argv, 1, RADIUS_COORDS),
  }),
  geo({
    name: 'georadius_ro',
    arity: -6,
    flags: ['readonly'],
    acl: ['read', 'geo', 'slow'],
    keys: [1, 1, 1],
    keyFlags: ['RO', 'access'],
    summary: 'A read-only variant for GEORADIUS',
    since: '3.2.10',
    complexity: RADIUS_COMPLEXITY,
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`GEOSEARCH` with the `BYRADIUS` argument',
    handler: (s, argv) => georadius(s, argv, 1, RADIUS_COORDS | RADIUS_NOSTORE),
  }),
  geo({
    name: 'georadiusbymember',
    arity: -5,
    flags: ['write', 'denyoom', 'movablekeys'],
    acl: ['write', 'geo', 'slow'],
    keys: [1, 1, 1],
    keySpecs: radiusKeySpecs(5),
    summary: 'Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a member',
    since: '3.2.0',
    complexity: RADIUS_COMPLEXITY,
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` and `FROMMEMBER` arguments',
    handler: (s, argv) => georadius(s, argv, 1, RADIUS_MEMBER),
  }),
  geo({
    name: 'georadiusbymember_ro',
    arity: -5,
    flags: ['readonly'],
    acl: ['read', 'geo', 'slow'],
    keys: [1, 1, 1],
    keyFlags: ['RO', 'access'],
    summary: 'A read-only variant for GEORADIUSBYMEMBER',
    since: '3.2.10',
    complexity: RADIUS_COMPLEXITY,
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`GEOSEARCH` with the `BYRADIUS` and `FROMMEMBER` arguments',
    handler: (s, argv) => georadius(s, argv, 1, RADIUS_MEMBER | RADIUS_NOSTORE),
  }),
  geo({
    name: 'geosearch',
    arity: -7,
    flags: ['readonly'],
    acl: ['read', 'geo', 'slow'],
    keys: [1, 1, 1],
    keyFlags: ['RO', 'access'],
    summary: 'Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle.',
    since: '6.2.0',
    complexity: SEARCH_COMPLEXITY,
    handler: (s, argv) => georadius(s, argv, 1, GEOSEARCH),
  }),
  geo({
    name: 'geosearchstore',
    arity: -8,
    flags: ['write', 'denyoom'],
    acl: ['write', 'geo', 'slow'],
    keys: [1, 2, 1],
    keySpecs: [
      { flags: ['OW', 'update'], index: 1, lastKey: 0, keyStep: 1 },
      { flags: ['RO', 'access'], index: 2, lastKey: 0, keyStep: 1 },
    ],
    summary: 'Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle, and store the result in another key.',
    since: '6.2.0',
    complexity: SEARCH_COMPLEXITY,
    handler: (s, argv) => georadius(s, argv, 2, GEOSEARCH | GEOSEARCHSTORE),
  }),
];
