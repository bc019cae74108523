import { ConfigError } from "../../../core/errors.js";
import { GeomType, type MujocoSimulation } from "../simulation.js";
import { hitNormal, intersectGeom } from "./geom-intersection.js";

export interface RendererOptions {
  width: number;
  height: number;
  /** Name of a camera in the model. */
  camera: string;
}

/** Geom groups 0–2 are drawn; 3 and above hold helpers that MuJoCo's viewer hides by default. */
const MAX_VISIBLE_GROUP = 2;
/** Direction towards the key light (world frame, above and in front of a camera looking along +y). */
const KEY_LIGHT = normalize([-0.35, -0.55, 0.75]);
const AMBIENT = 0.28;
const KEY_WEIGHT = 0.5;
const HEAD_WEIGHT = 0.32;
const SKY_TOP = [86, 122, 168] as const;
const SKY_HORIZON = [178, 198, 218] as const;

/**
 * A CPU renderer for MuJoCo scenes made of primitives (plane, sphere, capsule, ellipsoid,
 * cylinder, box): one primary ray per pixel from a named model camera, Lambert shading from a key
 * light plus a headlight, planes drawn as checkerboards with the plane's grid spacing (its third
 * size value). Each geom only tests the pixels inside the screen rectangle of its bounding sphere,
 * so the cost grows with the covered area, not with geoms × pixels. No GPU, no native code.
 *
 * Output: RGB bytes, row-major, top row first (`width × height × 3`).
 */
export class RayCastRenderer {
  readonly width: number;
  readonly height: number;
  private readonly cameraId: number;
  private readonly tanHalfFovY: number;
  private readonly tanHalfFovX: number;
  private readonly depth: Float64Array;
  private readonly image: Uint8Array;
  private readonly background: Uint8Array;
  /** Per column: horizontal image-plane coordinate at depth 1. */
  private readonly columnX: Float64Array;
  /** Per row: vertical image-plane coordinate at depth 1. */
  private readonly rowY: Float64Array;
  private readonly visibleGeoms: number[];

  constructor(
    private readonly simulation: MujocoSimulation,
    options: RendererOptions,
  ) {
    const { width, height } = options;
    if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
      throw new ConfigError(`Renderer size must be positive integers, got width=${width}, height=${height}.`);
    }
    this.width = width;
    this.height = height;
    this.cameraId = simulation.id("camera", options.camera);
    const fovy = simulation.geometry.cameraFovyDegrees[this.cameraId]!;
    this.tanHalfFovY = Math.tan((fovy * Math.PI) / 360);
    this.tanHalfFovX = (this.tanHalfFovY * width) / height;
    this.depth = new Float64Array(width * height);
    this.image = new Uint8Array(width * height * 3);
    this.background = makeSky(width, height);
    this.columnX = Float64Array.from({ length: width }, (_, i) => this.tanHalfFovX * ((2 * (i + 0.5)) / width - 1));
    this.rowY = Float64Array.from({ length: height }, (_, j) => this.tanHalfFovY * (1 - (2 * (j + 0.5)) / height));
    const { geomCount, geomGroup, geomRgba } = simulation.geometry;
    this.visibleGeoms = [];
    for (let g = 0; g < geomCount; g++) {
      if (geomGroup[g]! <= MAX_VISIBLE_GROUP && geomRgba[4 * g + 3]! > 0) this.visibleGeoms.push(g);
    }
  }

  /**
   * Draws the current state (positions from the last forward/step) and returns the image. The
   * returned array is reused by the next call unless `out` is given.
   */
  render(out: Uint8Array = this.image): Uint8Array {
    if (out.length !== this.width * this.height * 3) {
      throw new ConfigError(`render(out) needs a Uint8Array of ${this.width * this.height * 3} bytes, got ${out.length}.`);
    }
    out.set(this.background);
    this.depth.fill(Infinity);
    const camPos = this.simulation.camXpos;
    const camMat = this.simulation.camXmat;
    const c = this.cameraId;
    const cameraPosition = [camPos[3 * c]!, camPos[3 * c + 1]!, camPos[3 * c + 2]!] as const;
    const cameraRotation = camMat.slice(9 * c, 9 * c + 9);
    for (const g of this.visibleGeoms) this.drawGeom(g, cameraPosition, cameraRotation, out);
    return out;
  }

  private drawGeom(g: number, cam: readonly [number, number, number], rc: Float64Array, out: Uint8Array): void {
    const { geomType, geomSize, geomRgba, geomBoundingRadius } = this.simulation.geometry;
    const type = geomType[g]!;
    const geomPos = this.simulation.geomXpos;
    const geomMat = this.simulation.geomXmat;
    const px = geomPos[3 * g]!;
    const py = geomPos[3 * g + 1]!;
    const pz = geomPos[3 * g + 2]!;
    const rg = geomMat.subarray(9 * g, 9 * g + 9);
    // Camera origin in the geom frame: Rgᵀ (cam − p).
    const ex = cam[0] - px;
    const ey = cam[1] - py;
    const ez = cam[2] - pz;
    const ox = rg[0]! * ex + rg[3]! * ey + rg[6]! * ez;
    const oy = rg[1]! * ex + rg[4]! * ey + rg[7]! * ez;
    const oz = rg[2]! * ex + rg[5]! * ey + rg[8]! * ez;
    // M = Rgᵀ Rc maps camera-frame directions to geom-frame directions.
    const m = new Float64Array(9);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) m[3 * i + j] = rg[i]! * rc[j]! + rg[3 + i]! * rc[3 + j]! + rg[6 + i]! * rc[6 + j]!;
    }
    const sizeX = geomSize[3 * g]!;
    const sizeY = geomSize[3 * g + 1]!;
    const sizeZ = geomSize[3 * g + 2]!;
    const [columnStart, columnEnd, rowStart, rowEnd] =
      type === GeomType.plane
        ? [0, this.width - 1, 0, this.height - 1]
        : this.screenRectangle(-ex, -ey, -ez, geomBoundingRadius[g]!, rc, rg, localHalfExtents(type, sizeX, sizeY, sizeZ));
    if (columnStart > columnEnd || rowStart > rowEnd) return;
    const red = geomRgba[4 * g]! * 255;
    const green = geomRgba[4 * g + 1]! * 255;
    const blue = geomRgba[4 * g + 2]! * 255;
    const checkerCell = type === GeomType.plane && sizeZ > 0 ? sizeZ : 0;
    const width = this.width;
    const depth = this.depth;
    const columnX = this.columnX;
    const rowY = this.rowY;
    // Locals instead of array reads in the per-pixel loop (this loop is the renderer's cost).
    const m0 = m[0]!, m1 = m[1]!, m2 = m[2]!, m3 = m[3]!, m4 = m[4]!, m5 = m[5]!, m6 = m[6]!, m7 = m[7]!, m8 = m[8]!;
    const g0 = rg[0]!, g1 = rg[1]!, g2 = rg[2]!, g3 = rg[3]!, g4 = rg[4]!, g5 = rg[5]!, g6 = rg[6]!, g7 = rg[7]!, g8 = rg[8]!;
    const c0 = rc[0]!, c1 = rc[1]!, c2 = rc[2]!, c3 = rc[3]!, c4 = rc[4]!, c5 = rc[5]!, c6 = rc[6]!, c7 = rc[7]!, c8 = rc[8]!;
    const lightX = KEY_LIGHT[0], lightY = KEY_LIGHT[1], lightZ = KEY_LIGHT[2];
    for (let row = rowStart; row <= rowEnd; row++) {
      const y = rowY[row]!;
      // Direction (x, y, −1) in camera frame → geom frame, the x part added per column.
      const baseX = m1 * y - m2;
      const baseY = m4 * y - m5;
      const baseZ = m7 * y - m8;
      const viewBaseX = c1 * y - c2;
      const viewBaseY = c4 * y - c5;
      const viewBaseZ = c7 * y - c8;
      for (let column = columnStart; column <= columnEnd; column++) {
        const x = columnX[column]!;
        const dx = m0 * x + baseX;
        const dy = m3 * x + baseY;
        const dz = m6 * x + baseZ;
        // With a camera-frame direction of z = −1, t is the view depth of the hit.
        const t = intersectGeom(type, sizeX, sizeY, sizeZ, ox, oy, oz, dx, dy, dz);
        const pixel = row * width + column;
        if (!(t < depth[pixel]!)) continue;
        depth[pixel] = t;
        // World normal = Rg · local normal; world view direction = Rc · (x, y, −1).
        const lx = hitNormal[0]!;
        const ly = hitNormal[1]!;
        const lz = hitNormal[2]!;
        let nx = g0 * lx + g1 * ly + g2 * lz;
        let ny = g3 * lx + g4 * ly + g5 * lz;
        let nz = g6 * lx + g7 * ly + g8 * lz;
        const vx = c0 * x + viewBaseX;
        const vy = c3 * x + viewBaseY;
        const vz = c6 * x + viewBaseZ;
        const inverseLengths = 1 / Math.sqrt((nx * nx + ny * ny + nz * nz) * (vx * vx + vy * vy + vz * vz) + 1e-30);
        let facing = -(nx * vx + ny * vy + nz * vz) * inverseLengths;
        if (facing < 0) {
          // Seen from inside or behind: shade the side that faces the camera.
          nx = -nx;
          ny = -ny;
          nz = -nz;
          facing = -facing;
        }
        const key = Math.max(0, (nx * lightX + ny * lightY + nz * lightZ) / Math.sqrt(nx * nx + ny * ny + nz * nz + 1e-30));
        let intensity = AMBIENT + KEY_WEIGHT * key + HEAD_WEIGHT * facing;
        if (checkerCell > 0) {
          const cellX = Math.floor((ox + t * dx) / checkerCell);
          const cellY = Math.floor((oy + t * dy) / checkerCell);
          intensity *= ((cellX + cellY) & 1) === 0 ? 1.12 : 0.82;
        }
        const at = 3 * pixel;
        out[at] = Math.min(255, red * intensity);
        out[at + 1] = Math.min(255, green * intensity);
        out[at + 2] = Math.min(255, blue * intensity);
      }
    }
  }

  /**
   * Pixel rectangle [columnStart, columnEnd, rowStart, rowEnd] that contains the geom: the
   * projection of its oriented bounding box when all eight corners are in front of the camera,
   * else of its bounding sphere (conservative: every point of the sphere lies at camera x in
   * [x − r, x + r] and depth in [depth − r, depth + r]). `w*` is the geom centre relative to the
   * camera, in the world frame.
   */
  private screenRectangle(
    wx: number,
    wy: number,
    wz: number,
    radius: number,
    rc: Float64Array,
    rg: Float64Array,
    half: readonly [number, number, number] | undefined,
  ): [number, number, number, number] {
    const x = rc[0]! * wx + rc[3]! * wy + rc[6]! * wz;
    const y = rc[1]! * wx + rc[4]! * wy + rc[7]! * wz;
    const depth = -(rc[2]! * wx + rc[5]! * wy + rc[8]! * wz);
    if (depth + radius <= 0) return [1, 0, 1, 0];
    let xMin = Infinity;
    let xMax = -Infinity;
    let yMin = Infinity;
    let yMax = -Infinity;
    if (half !== undefined) {
      for (let corner = 0; corner < 8 && xMin !== -Infinity; corner++) {
        // Corner in world frame relative to the camera, then in camera frame.
        const sx = corner & 1 ? half[0] : -half[0];
        const sy = corner & 2 ? half[1] : -half[1];
        const sz = corner & 4 ? half[2] : -half[2];
        const px = wx + rg[0]! * sx + rg[1]! * sy + rg[2]! * sz;
        const py = wy + rg[3]! * sx + rg[4]! * sy + rg[5]! * sz;
        const pz = wz + rg[6]! * sx + rg[7]! * sy + rg[8]! * sz;
        const cornerDepth = -(rc[2]! * px + rc[5]! * py + rc[8]! * pz);
        if (cornerDepth <= 1e-6) {
          xMin = -Infinity;
          break;
        }
        const imageX = (rc[0]! * px + rc[3]! * py + rc[6]! * pz) / cornerDepth;
        const imageY = (rc[1]! * px + rc[4]! * py + rc[7]! * pz) / cornerDepth;
        if (imageX < xMin) xMin = imageX;
        if (imageX > xMax) xMax = imageX;
        if (imageY < yMin) yMin = imageY;
        if (imageY > yMax) yMax = imageY;
      }
    }
    if (half === undefined || xMin === -Infinity) {
      if (depth - radius <= 1e-6) return [0, this.width - 1, 0, this.height - 1];
      const near = depth - radius;
      const far = depth + radius;
      xMin = (x - radius) / (x - radius < 0 ? near : far);
      xMax = (x + radius) / (x + radius > 0 ? near : far);
      yMin = (y - radius) / (y - radius < 0 ? near : far);
      yMax = (y + radius) / (y + radius > 0 ? near : far);
    }
    const toColumn = (imageX: number): number => ((imageX / this.tanHalfFovX + 1) * this.width) / 2 - 0.5;
    const toRow = (imageY: number): number => ((1 - imageY / this.tanHalfFovY) * this.height) / 2 - 0.5;
    return [
      Math.max(0, Math.floor(toColumn(xMin))),
      Math.min(this.width - 1, Math.ceil(toColumn(xMax))),
      Math.max(0, Math.floor(toRow(yMax))),
      Math.min(this.height - 1, Math.ceil(toRow(yMin))),
    ];
  }
}

/** Half-extents of a geom's bounding box in its own frame, or undefined when unknown (meshes). */
function localHalfExtents(type: number, sizeX: number, sizeY: number, sizeZ: number): [number, number, number] | undefined {
  switch (type) {
    case GeomType.sphere:
      return [sizeX, sizeX, sizeX];
    case GeomType.capsule:
      return [sizeX, sizeX, sizeY + sizeX];
    case GeomType.cylinder:
      return [sizeX, sizeX, sizeY];
    case GeomType.box:
    case GeomType.ellipsoid:
      return [sizeX, sizeY, sizeZ];
    default:
      return undefined;
  }
}

function makeSky(width: number, height: number): Uint8Array {
  const sky = new Uint8Array(width * height * 3);
  for (let row = 0; row < height; row++) {
    const blend = row / Math.max(1, height - 1);
    for (let column = 0; column < width; column++) {
      const at = 3 * (row * width + column);
      for (let channel = 0; channel < 3; channel++) sky[at + channel] = Math.round(SKY_TOP[channel]! * (1 - blend) + SKY_HORIZON[channel]! * blend);
    }
  }
  return sky;
}

function normalize(vector: [number, number, number]): [number, number, number] {
  const length = Math.hypot(...vector);
  return [vector[0] / length, vector[1] / length, vector[2] / length];
}
