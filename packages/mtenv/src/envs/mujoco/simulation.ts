import type { MainModule, MjData, MjModel } from "mujoco";
import { MujocoError, didYouMean } from "../../core/errors.js";
import { acquireModel, heapGeneration, mujocoModule, noteHeapAllocation, releaseModel } from "./runtime.js";

/** MuJoCo object kinds that can be looked up by name. */
export type MujocoObjectKind = "body" | "joint" | "geom" | "site" | "camera" | "actuator" | "sensor";

/** mjtGeom values the renderer and tests care about. */
export const GeomType = { plane: 0, heightField: 1, sphere: 2, capsule: 3, ellipsoid: 4, cylinder: 5, box: 6, mesh: 7 } as const;

/** Live views into the simulation state; re-fetched when the WASM heap grows. */
interface StateViews {
  readonly generation: number;
  readonly qpos: Float64Array;
  readonly qvel: Float64Array;
  readonly ctrl: Float64Array;
  readonly sensordata: Float64Array;
  readonly xpos: Float64Array;
  readonly xmat: Float64Array;
  readonly geomXpos: Float64Array;
  readonly geomXmat: Float64Array;
  readonly siteXpos: Float64Array;
  readonly camXpos: Float64Array;
  readonly camXmat: Float64Array;
  readonly mocapPos: Float64Array;
  readonly mocapQuat: Float64Array;
  readonly subtreeCom: Float64Array;
  readonly energy: Float64Array;
}

/** Static model description copied out of the WASM heap once (safe forever, used by the renderer). */
export interface ModelGeometry {
  readonly geomCount: number;
  readonly geomType: Int32Array;
  readonly geomSize: Float64Array;
  /** Per geom: its own rgba, or its material's when it has one. */
  readonly geomRgba: Float32Array;
  readonly geomGroup: Int32Array;
  readonly geomBodyId: Int32Array;
  /** Bounding-sphere radius per geom (0 for planes, which are unbounded). */
  readonly geomBoundingRadius: Float64Array;
  readonly cameraFovyDegrees: Float64Array;
}

const OBJECT_TYPE_NAMES: Record<MujocoObjectKind, string> = {
  body: "mjOBJ_BODY",
  joint: "mjOBJ_JOINT",
  geom: "mjOBJ_GEOM",
  site: "mjOBJ_SITE",
  camera: "mjOBJ_CAMERA",
  actuator: "mjOBJ_ACTUATOR",
  sensor: "mjOBJ_SENSOR",
};

/**
 * One compiled model with its data: the adapter's typed face of MuJoCo. Everything the
 * environments read or write goes through here; `close()` frees the data (and the model once no
 * other simulation shares it). Models are shared between simulations of the same XML, so they are
 * treated as read-only: physics variants are new XML, never edits of a compiled model.
 */
export class MujocoSimulation {
  readonly nq: number;
  readonly nv: number;
  readonly nu: number;
  readonly nbody: number;
  readonly nmocap: number;
  readonly timestep: number;
  readonly geometry: ModelGeometry;
  private readonly module: MainModule;
  private model: MjModel | undefined;
  private data: MjData | undefined;
  private cachedViews: StateViews | undefined;
  private readonly idCache = new Map<string, number>();

  private constructor(
    model: MjModel,
    data: MjData,
    readonly label: string,
    /** The XML the model was compiled from (the key of the shared model). */
    readonly xml: string,
  ) {
    this.module = mujocoModule();
    this.model = model;
    this.data = data;
    this.nq = model.nq;
    this.nv = model.nv;
    this.nu = model.nu;
    this.nbody = model.nbody;
    this.nmocap = model.nmocap;
    this.timestep = model.opt.timestep;
    this.geometry = copyGeometry(model);
  }

  /**
   * Compiles `xml` (MuJoCo's errors are re-thrown as MujocoError) and allocates its data. Open
   * simulations of the same XML share one compiled model; each has its own MjData.
   */
  static fromXml(xml: string, label = "model"): MujocoSimulation {
    const module = mujocoModule();
    const model = acquireModel(xml, label);
    let data: MjData;
    try {
      data = new module.MjData(model);
    } catch (error) {
      releaseModel(xml);
      throw new MujocoError(`Allocating MjData for "${label}" failed: ${String(error)}. Lower <size memory=...> or free other simulations.`);
    } finally {
      noteHeapAllocation();
    }
    const simulation = new MujocoSimulation(model, data, label, xml);
    module.mj_forward(model, data);
    return simulation;
  }

  get isClosed(): boolean {
    return this.model === undefined;
  }

  /** Frees the WASM data (and the model when no other simulation shares it); further use throws. Idempotent. */
  close(): void {
    if (this.model === undefined) return;
    this.data?.delete();
    releaseModel(this.xml);
    this.data = undefined;
    this.model = undefined;
    this.cachedViews = undefined;
  }

  // ---- state views (live: writes go straight into MuJoCo) ----

  get qpos(): Float64Array {
    return this.views().qpos;
  }
  get qvel(): Float64Array {
    return this.views().qvel;
  }
  get ctrl(): Float64Array {
    return this.views().ctrl;
  }
  get sensordata(): Float64Array {
    return this.views().sensordata;
  }
  /** Body frame positions, 3 per body (world frame), valid after forward/step. */
  get xpos(): Float64Array {
    return this.views().xpos;
  }
  /** Body frame orientations, row-major 3×3 per body. */
  get xmat(): Float64Array {
    return this.views().xmat;
  }
  get geomXpos(): Float64Array {
    return this.views().geomXpos;
  }
  get geomXmat(): Float64Array {
    return this.views().geomXmat;
  }
  get siteXpos(): Float64Array {
    return this.views().siteXpos;
  }
  get camXpos(): Float64Array {
    return this.views().camXpos;
  }
  get camXmat(): Float64Array {
    return this.views().camXmat;
  }
  get mocapPos(): Float64Array {
    return this.views().mocapPos;
  }
  get mocapQuat(): Float64Array {
    return this.views().mocapQuat;
  }
  /** Centre of mass of each body's subtree, 3 per body. */
  get subtreeCom(): Float64Array {
    return this.views().subtreeCom;
  }
  /** [potential, kinetic]; filled only when the model enables `<flag energy="enable"/>`. */
  get energy(): Float64Array {
    return this.views().energy;
  }
  get time(): number {
    return this.liveData().time;
  }
  /** Active contacts after the last forward/step (a plain count: reading contacts themselves is slow). */
  get contactCount(): number {
    return this.liveData().ncon;
  }

  // ---- name lookup ----

  /** Id of a named object; throws a MujocoError listing close names when it does not exist. */
  id(kind: MujocoObjectKind, name: string): number {
    const key = `${kind}:${name}`;
    const cached = this.idCache.get(key);
    if (cached !== undefined) return cached;
    const objectType = (this.module.mjtObj as unknown as Record<string, { value: number }>)[OBJECT_TYPE_NAMES[kind]]!.value;
    const found = this.module.mj_name2id(this.liveModel(), objectType, name);
    if (found < 0) {
      const known = this.names(kind);
      throw new MujocoError(
        `Model "${this.label}" has no ${kind} named "${name}".${didYouMean(name, known)} Known ${kind} names: ${known.join(", ") || "(none)"}.`,
      );
    }
    this.idCache.set(key, found);
    return found;
  }

  /** Every non-empty name of `kind`, in id order. */
  names(kind: MujocoObjectKind): string[] {
    const model = this.liveModel();
    const counts: Record<MujocoObjectKind, number> = {
      body: model.nbody,
      joint: model.njnt,
      geom: model.ngeom,
      site: model.nsite,
      camera: model.ncam,
      actuator: model.nu,
      sensor: model.nsensor,
    };
    const objectType = (this.module.mjtObj as unknown as Record<string, { value: number }>)[OBJECT_TYPE_NAMES[kind]]!.value;
    const out: string[] = [];
    for (let i = 0; i < counts[kind]; i++) {
      const name = this.module.mj_id2name(model, objectType, i);
      if (typeof name === "string" && name.length > 0) out.push(name);
    }
    return out;
  }

  /** Index of a joint's first coordinate in qpos. */
  jointQposAddress(name: string): number {
    return (this.liveModel().jnt_qposadr as Int32Array)[this.id("joint", name)]!;
  }

  /** Index of a joint's first degree of freedom in qvel. */
  jointDofAddress(name: string): number {
    return (this.liveModel().jnt_dofadr as Int32Array)[this.id("joint", name)]!;
  }

  /** [low, high] of a joint; [-Infinity, Infinity] when the joint is unlimited. */
  jointRange(name: string): [number, number] {
    const model = this.liveModel();
    const id = this.id("joint", name);
    if ((model.jnt_limited as Uint8Array)[id] === 0) return [-Infinity, Infinity];
    const range = model.jnt_range as Float64Array;
    return [range[2 * id]!, range[2 * id + 1]!];
  }

  /** Where a sensor's values live in sensordata. */
  sensorSlice(name: string): { address: number; dimension: number } {
    const model = this.liveModel();
    const id = this.id("sensor", name);
    return { address: (model.sensor_adr as Int32Array)[id]!, dimension: (model.sensor_dim as Int32Array)[id]! };
  }

  /** A copy of a sensor's current reading. */
  readSensor(name: string): Float64Array {
    const { address, dimension } = this.sensorSlice(name);
    return this.sensordata.slice(address, address + dimension);
  }

  /** World position of a body frame (copy). */
  bodyPosition(name: string): [number, number, number] {
    const at = 3 * this.id("body", name);
    const xpos = this.xpos;
    return [xpos[at]!, xpos[at + 1]!, xpos[at + 2]!];
  }

  /** World position of a site (copy). */
  sitePosition(name: string): [number, number, number] {
    const at = 3 * this.id("site", name);
    const xpos = this.siteXpos;
    return [xpos[at]!, xpos[at + 1]!, xpos[at + 2]!];
  }

  /** Lower and upper control limits per actuator (copy; ±Infinity when unlimited). */
  controlRange(): Float64Array {
    const model = this.liveModel();
    const range = Float64Array.from(model.actuator_ctrlrange as Float64Array);
    const limited = model.actuator_ctrllimited as Uint8Array;
    for (let i = 0; i < this.nu; i++) {
      if (limited[i] === 0) {
        range[2 * i] = -Infinity;
        range[2 * i + 1] = Infinity;
      }
    }
    return range;
  }

  // ---- dynamics ----

  /** Back to the model's initial state (qpos0, zero velocity, zero controls, time 0). */
  resetData(): void {
    this.module.mj_resetData(this.liveModel(), this.liveData());
  }

  /** Recomputes every derived quantity (positions, sensors, contacts) for the current state. */
  forward(): void {
    this.module.mj_forward(this.liveModel(), this.liveData());
  }

  /** `count` plain mj_step calls: derived quantities then describe the state *before* the last integration. */
  step(count = 1): void {
    const model = this.liveModel();
    const data = this.liveData();
    for (let i = 0; i < count; i++) this.module.mj_step(model, data);
  }

  /**
   * `count` steps split as mj_step2 + mj_step1 (the DeepMind Control convention), so positions,
   * velocities and position/velocity sensors describe the state *after* the step at no extra
   * cost. Requires a prior `forward()` (done at construction and by the environments' reset).
   * Valid for the Euler and implicit integrators used by the domains.
   */
  advance(count = 1): void {
    const model = this.liveModel();
    const data = this.liveData();
    for (let i = 0; i < count; i++) {
      this.module.mj_step2(model, data);
      this.module.mj_step1(model, data);
    }
  }

  private views(): StateViews {
    const cached = this.cachedViews;
    if (cached !== undefined && cached.generation === heapGeneration() && cached.qpos.buffer.byteLength !== 0) return cached;
    const data = this.liveData();
    const fresh: StateViews = {
      generation: heapGeneration(),
      qpos: data.qpos as Float64Array,
      qvel: data.qvel as Float64Array,
      ctrl: data.ctrl as Float64Array,
      sensordata: data.sensordata as Float64Array,
      xpos: data.xpos as Float64Array,
      xmat: data.xmat as Float64Array,
      geomXpos: data.geom_xpos as Float64Array,
      geomXmat: data.geom_xmat as Float64Array,
      siteXpos: data.site_xpos as Float64Array,
      camXpos: data.cam_xpos as Float64Array,
      camXmat: data.cam_xmat as Float64Array,
      mocapPos: data.mocap_pos as Float64Array,
      mocapQuat: data.mocap_quat as Float64Array,
      subtreeCom: data.subtree_com as Float64Array,
      energy: data.energy as Float64Array,
    };
    this.cachedViews = fresh;
    return fresh;
  }

  private liveModel(): MjModel {
    if (this.model === undefined) throw new MujocoError(`Simulation "${this.label}" was closed; its MuJoCo model and data are freed. Create a new one.`);
    return this.model;
  }

  private liveData(): MjData {
    if (this.data === undefined) throw new MujocoError(`Simulation "${this.label}" was closed; its MuJoCo model and data are freed. Create a new one.`);
    return this.data;
  }
}

function copyGeometry(model: MjModel): ModelGeometry {
  const geomCount = model.ngeom;
  const geomRgba = Float32Array.from(model.geom_rgba as Float32Array);
  const materialIds = model.geom_matid as Int32Array;
  const materialRgba = model.mat_rgba as Float32Array;
  for (let g = 0; g < geomCount; g++) {
    const material = materialIds[g]!;
    // MuJoCo uses the material colour unless the geom set its own (we cannot tell which here,
    // so the domains colour geoms either by material or by rgba, never both).
    if (material >= 0) geomRgba.set(materialRgba.subarray(4 * material, 4 * material + 4), 4 * g);
  }
  return {
    geomCount,
    geomType: Int32Array.from(model.geom_type as Int32Array),
    geomSize: Float64Array.from(model.geom_size as Float64Array),
    geomRgba,
    geomGroup: Int32Array.from(model.geom_group as Int32Array),
    geomBodyId: Int32Array.from(model.geom_bodyid as Int32Array),
    geomBoundingRadius: Float64Array.from(model.geom_rbound as Float64Array),
    cameraFovyDegrees: Float64Array.from(model.cam_fovy as Float64Array),
  };
}
