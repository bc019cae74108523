import { GeomType } from "../simulation.js";

/**
 * Ray–primitive intersections in a geom's own frame (MuJoCo conventions: capsules and cylinders
 * lie along local z with size [radius, half-length]; boxes have half-sizes; planes are the local
 * z = 0 face, seen from +z only). Each returns the ray parameter t of the nearest hit in front of
 * the origin, or Infinity, and writes the local surface normal into `normal` on a hit.
 */

const EPSILON = 1e-9;

/** Output of the last hit: local normal (x, y, z). Shared scratch space, overwritten per call. */
export const hitNormal = new Float64Array(3);

export function intersectGeom(
  type: number,
  sizeX: number,
  sizeY: number,
  sizeZ: number,
  ox: number,
  oy: number,
  oz: number,
  dx: number,
  dy: number,
  dz: number,
): number {
  switch (type) {
    case GeomType.plane:
      return intersectPlane(sizeX, sizeY, ox, oy, oz, dx, dy, dz);
    case GeomType.sphere:
      return intersectSphere(sizeX, ox, oy, oz, dx, dy, dz);
    case GeomType.capsule:
      return intersectCapsule(sizeX, sizeY, ox, oy, oz, dx, dy, dz);
    case GeomType.cylinder:
      return intersectCylinder(sizeX, sizeY, ox, oy, oz, dx, dy, dz);
    case GeomType.box:
      return intersectBox(sizeX, sizeY, sizeZ, ox, oy, oz, dx, dy, dz);
    case GeomType.ellipsoid:
      return intersectEllipsoid(sizeX, sizeY, sizeZ, ox, oy, oz, dx, dy, dz);
    default:
      // Meshes and height fields: not drawn (the domains here use primitives only).
      return Infinity;
  }
}

function intersectPlane(halfX: number, halfY: number, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number): number {
  if (oz <= 0 || dz >= -EPSILON) return Infinity;
  const t = -oz / dz;
  if (halfX > 0 && Math.abs(ox + t * dx) > halfX) return Infinity;
  if (halfY > 0 && Math.abs(oy + t * dy) > halfY) return Infinity;
  hitNormal[0] = 0;
  hitNormal[1] = 0;
  hitNormal[2] = 1;
  return t;
}

/** Nearest root in front of the origin of a·t² + 2b·t + c = 0, or Infinity. */
function nearestRoot(a: number, b: number, c: number): number {
  const discriminant = b * b - a * c;
  if (discriminant < 0 || a < EPSILON) return Infinity;
  const root = Math.sqrt(discriminant);
  const near = (-b - root) / a;
  if (near > EPSILON) return near;
  const far = (-b + root) / a;
  return far > EPSILON ? far : Infinity;
}

function intersectSphereAt(radius: number, cz: number, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number): number {
  const pz = oz - cz;
  const t = nearestRoot(dx * dx + dy * dy + dz * dz, ox * dx + oy * dy + pz * dz, ox * ox + oy * oy + pz * pz - radius * radius);
  if (t === Infinity) return t;
  hitNormal[0] = ox + t * dx;
  hitNormal[1] = oy + t * dy;
  hitNormal[2] = pz + t * dz;
  return t;
}

function intersectSphere(radius: number, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number): number {
  return intersectSphereAt(radius, 0, ox, oy, oz, dx, dy, dz);
}

/** The side wall of a z-aligned cylinder, limited to |z| ≤ halfLength. */
function intersectTube(radius: number, halfLength: number, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number): number {
  const a = dx * dx + dy * dy;
  if (a < EPSILON) return Infinity;
  const b = ox * dx + oy * dy;
  const c = ox * ox + oy * oy - radius * radius;
  const discriminant = b * b - a * c;
  if (discriminant < 0) return Infinity;
  const root = Math.sqrt(discriminant);
  const near = (-b - root) / a;
  if (near > EPSILON && Math.abs(oz + near * dz) <= halfLength) return tubeHit(near, ox, oy, dx, dy);
  const far = (-b + root) / a;
  if (far > EPSILON && Math.abs(oz + far * dz) <= halfLength) return tubeHit(far, ox, oy, dx, dy);
  return Infinity;
}

function tubeHit(t: number, ox: number, oy: number, dx: number, dy: number): number {
  hitNormal[0] = ox + t * dx;
  hitNormal[1] = oy + t * dy;
  hitNormal[2] = 0;
  return t;
}

function intersectCapsule(radius: number, halfLength: number, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number): number {
  let best = intersectTube(radius, halfLength, ox, oy, oz, dx, dy, dz);
  let nx = hitNormal[0]!;
  let ny = hitNormal[1]!;
  let nz = hitNormal[2]!;
  const top = intersectSphereAt(radius, halfLength, ox, oy, oz, dx, dy, dz);
  if (top < best) {
    best = top;
    nx = hitNormal[0]!;
    ny = hitNormal[1]!;
    nz = hitNormal[2]!;
  }
  const bottom = intersectSphereAt(radius, -halfLength, ox, oy, oz, dx, dy, dz);
  if (bottom < best) {
    best = bottom;
    nx = hitNormal[0]!;
    ny = hitNormal[1]!;
    nz = hitNormal[2]!;
  }
  hitNormal[0] = nx;
  hitNormal[1] = ny;
  hitNormal[2] = nz;
  return best;
}

function intersectCylinder(radius: number, halfLength: number, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number): number {
  let best = intersectTube(radius, halfLength, ox, oy, oz, dx, dy, dz);
  let nx = hitNormal[0]!;
  let ny = hitNormal[1]!;
  let nz = hitNormal[2]!;
  if (Math.abs(dz) > EPSILON) {
    for (const cap of [halfLength, -halfLength]) {
      const t = (cap - oz) / dz;
      if (t <= EPSILON || t >= best) continue;
      const x = ox + t * dx;
      const y = oy + t * dy;
      if (x * x + y * y <= radius * radius) {
        best = t;
        nx = 0;
        ny = 0;
        nz = cap > 0 ? 1 : -1;
      }
    }
  }
  hitNormal[0] = nx;
  hitNormal[1] = ny;
  hitNormal[2] = nz;
  return best;
}

function intersectBox(hx: number, hy: number, hz: number, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number): number {
  slab.near = -Infinity;
  slab.far = Infinity;
  slab.axis = 0;
  slab.sign = 1;
  if (!clipSlab(slab, 0, hx, ox, dx) || !clipSlab(slab, 1, hy, oy, dy) || !clipSlab(slab, 2, hz, oz, dz)) return Infinity;
  if (slab.far <= EPSILON) return Infinity;
  hitNormal[0] = 0;
  hitNormal[1] = 0;
  hitNormal[2] = 0;
  hitNormal[slab.axis] = slab.sign;
  return slab.near > EPSILON ? slab.near : slab.far;
}

/** Running state of the slab test: the entry face (axis, sign) of the latest entry. */
const slab = { near: 0, far: 0, axis: 0, sign: 1 };

/** Narrows [near, far] by the slab |coordinate| ≤ half on one axis; false when the ray misses. */
function clipSlab(state: typeof slab, axis: number, half: number, origin: number, direction: number): boolean {
  if (Math.abs(direction) < EPSILON) return origin >= -half && origin <= half;
  const toLow = (-half - origin) / direction;
  const toHigh = (half - origin) / direction;
  const entry = direction > 0 ? toLow : toHigh;
  const exit = direction > 0 ? toHigh : toLow;
  if (entry > state.near) {
    state.near = entry;
    state.axis = axis;
    state.sign = direction > 0 ? -1 : 1;
  }
  if (exit < state.far) state.far = exit;
  return state.near <= state.far;
}

function intersectEllipsoid(a: number, b: number, c: number, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number): number {
  // Scale space so the ellipsoid becomes the unit sphere; t is unchanged by the scaling.
  const t = intersectSphere(1, ox / a, oy / b, oz / c, dx / a, dy / b, dz / c);
  if (t === Infinity) return t;
  hitNormal[0] = (ox + t * dx) / (a * a);
  hitNormal[1] = (oy + t * dy) / (b * b);
  hitNormal[2] = (oz + t * dz) / (c * c);
  return t;
}
