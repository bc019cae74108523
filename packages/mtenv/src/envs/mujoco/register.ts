/**
 * Registers the MuJoCo environments (DMC-style domains and the HiP-BMDP families). Imported for
 * its side effect by envs/index.ts. Registering needs no MuJoCo; *making* one of these ids
 * needs `await initMujoco()` first (make() is synchronous; the WASM load is not).
 */
import { z } from "zod";
import { register } from "../../registry/registry.js";
import type { ControlTask, TaskFamily } from "./control-task.js";
import { ControlSuiteEnv } from "./control-suite-env.js";
import { CARTPOLE_FAMILY, cartpoleTask } from "./domains/cartpole.js";
import { CHEETAH_FAMILY, CHEETAH_TORSO_LENGTH_FAMILY, cheetahRunTask } from "./domains/cheetah.js";
import { FINGER_FAMILY, FINGER_SIZE_FAMILY, fingerSpinTask } from "./domains/finger.js";
import { REACHER_EASY_FAMILY, reacherTask } from "./domains/reacher.js";
import { WALKER_FAMILY, WALKER_FOOT_LENGTH_FAMILY, WALKER_FRICTION_FAMILY, walkerTask } from "./domains/walker.js";

interface ControlSuiteDefaults {
  fromPixels: boolean;
  frameSkip: number;
  frameStack: number;
}

/** Plain DMC ids observe the state and step one control step per agent step. */
const STATE_DEFAULTS: ControlSuiteDefaults = { fromPixels: false, frameSkip: 1, frameStack: 3 };
/** The reference HiP-BMDP setting: 84×84 pixels, action repeat 2, 3 stacked frames (500 agent steps). */
const HIPBMDP_DEFAULTS: ControlSuiteDefaults = { fromPixels: true, frameSkip: 2, frameStack: 3 };

/** The strict kwargs schema of a MuJoCo control-suite id. */
export function controlSuiteKwargsSchema(variantCount: number, defaults: ControlSuiteDefaults) {
  const variantIndex = z.number().int().min(0).max(variantCount - 1);
  return z.strictObject({
    fromPixels: z.boolean().default(defaults.fromPixels),
    height: z.number().int().min(8).max(512).default(84),
    width: z.number().int().min(8).max(512).default(84),
    frameSkip: z.number().int().min(1).max(100).default(defaults.frameSkip),
    frameStack: z.number().int().min(1).max(16).default(defaults.frameStack),
    taskObservation: z.enum(["index", "one-hot"]).default("index"),
    initialTaskState: variantIndex.default(0),
    sampleFrom: z.array(variantIndex).min(1).optional(),
    camera: z.string().min(1).optional(),
  });
}

interface ControlSuiteEntry {
  id: string;
  description: string;
  makeTask: () => ControlTask;
  family: TaskFamily;
  defaults: ControlSuiteDefaults;
}

/** The MuJoCo ids, in registration order. */
export const MUJOCO_ENV_IDS: readonly string[] = [];

function registerControlSuite(entry: ControlSuiteEntry): void {
  const variantCount = entry.family.values.length;
  const schema = controlSuiteKwargsSchema(variantCount, entry.defaults);
  // Each id is checked in the other observation mode too; the task options ride along with state
  // observations, which keeps the (slow) pixel checks to one per id.
  const lastVariant = variantCount - 1;
  const otherMode = entry.defaults.fromPixels
    ? { fromPixels: false, taskObservation: "one-hot", initialTaskState: lastVariant, sampleFrom: [0, lastVariant] }
    : { fromPixels: true, frameSkip: 2, frameStack: 3 };
  register({
    id: entry.id,
    description: entry.description,
    kwargsSchema: schema,
    entryPoint: (kwargs) =>
      new ControlSuiteEnv(entry.makeTask(), entry.family, {
        fromPixels: kwargs.fromPixels,
        height: kwargs.height,
        width: kwargs.width,
        frameSkip: kwargs.frameSkip,
        frameStack: kwargs.frameStack,
        taskObservation: kwargs.taskObservation,
        initialTaskState: kwargs.initialTaskState,
        ...(kwargs.sampleFrom === undefined ? {} : { sampleFrom: kwargs.sampleFrom }),
        ...(kwargs.camera === undefined ? {} : { camera: kwargs.camera }),
      }),
    testKwargs: {
      valid: [otherMode],
      invalid: [{ frameSkip: 0 }, { fromPixels: "yes" }, { initialTaskState: variantCount }, { taskObservation: "name" }, { frameStak: 3 }],
    },
  });
  (MUJOCO_ENV_IDS as string[]).push(entry.id);
}

const dmc = (domain: string, task: string, makeTask: () => ControlTask, family: TaskFamily): ControlSuiteEntry => ({
  id: `MT-DMC-${domain}-${task}-v0`,
  description: `MuJoCo ${domain.toLowerCase()} ${task.toLowerCase()} (DMC-style reward in [0, 1] per step, 1000 control steps); state or pixels`,
  makeTask,
  family,
  defaults: STATE_DEFAULTS,
});

registerControlSuite(dmc("Cartpole", "Balance", () => cartpoleTask("balance"), CARTPOLE_FAMILY));
registerControlSuite(dmc("Cartpole", "Swingup", () => cartpoleTask("swingup"), CARTPOLE_FAMILY));
registerControlSuite(dmc("Cheetah", "Run", cheetahRunTask, CHEETAH_FAMILY));
registerControlSuite(dmc("Walker", "Stand", () => walkerTask("stand"), WALKER_FAMILY));
registerControlSuite(dmc("Walker", "Walk", () => walkerTask("walk"), WALKER_FAMILY));
registerControlSuite(dmc("Walker", "Run", () => walkerTask("run"), WALKER_FAMILY));
registerControlSuite(dmc("Finger", "Spin", fingerSpinTask, FINGER_FAMILY));
registerControlSuite(dmc("Reacher", "Easy", () => reacherTask(), REACHER_EASY_FAMILY));

const hipbmdp = (id: string, what: string, makeTask: () => ControlTask, family: TaskFamily): ControlSuiteEntry => ({
  id,
  description: `HiP-BMDP ${what}: ${family.parameterName} ${family.values[0]} → ${family.values[family.values.length - 1]} over ${family.values.length} variants (task state = index); 84×84 pixels, frameSkip 2, frameStack 3`,
  makeTask,
  family,
  defaults: HIPBMDP_DEFAULTS,
});

registerControlSuite(hipbmdp("MT-HiPBMDP-Finger-Spin-vary-size-v0", "finger spin", fingerSpinTask, FINGER_SIZE_FAMILY));
registerControlSuite(hipbmdp("MT-HiPBMDP-Cheetah-Run-vary-torso-length-v0", "cheetah run", cheetahRunTask, CHEETAH_TORSO_LENGTH_FAMILY));
registerControlSuite(hipbmdp("MT-HiPBMDP-Walker-Walk-vary-friction-v0", "walker walk", () => walkerTask("walk"), WALKER_FRICTION_FAMILY));
registerControlSuite(hipbmdp("MT-HiPBMDP-Walker-Walk-vary-len-v0", "walker walk", () => walkerTask("walk"), WALKER_FOOT_LENGTH_FAMILY));

/**
 * The MTRL HiP-BMDP experiment split as 0-based variant indices (the reference lists 1-based
 * file ids: train 3, 4, 7, 8; interpolation 5, 6; extrapolation 2, 9).
 */
export const HIPBMDP_SPLITS = {
  train: [2, 3, 6, 7],
  interpolation: [4, 5],
  extrapolation: [1, 8],
} as const;
