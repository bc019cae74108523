import { Box, ConfigError, type Space } from "@mtrl/mtenv";
import type { ReplayConfig } from "../config/schema.js";
import type { ObservationLayout } from "../replay/observation-store.js";

/** Channels of one frame in a stacked pixel observation [3·k, H, W]: RGB. */
const FRAME_CHANNELS = 3;

/**
 * The replay's observation layout for an env observation space: stacked RGB frames of bytes (a
 * uint8 Box [3·k, H, W]) are kept one frame per transition unless the config says flat; anything
 * else is flat, and asking frame-stack of it is a ConfigError.
 */
export function replayLayoutFor(space: Space<unknown>, choice: ReplayConfig["observations"], envId: string): ObservationLayout {
  const stackedPixels = space instanceof Box && space.dtype === "uint8" && space.shape.length === 3 && space.shape[0]! % FRAME_CHANNELS === 0;
  if (choice === "flat" || (choice === "auto" && !stackedPixels)) return { type: "flat" };
  if (!stackedPixels) {
    throw new ConfigError(
      `agent.replay.observations=frame-stack needs pixel observations stacked as a uint8 Box [3·frames, height, width], but ${envId} observes ${space.toString().slice(0, 200)}. ` +
        `Use agent.replay.observations=auto or flat.`,
    );
  }
  const box = space as Box<"uint8">;
  return { type: "frame-stack", frames: box.shape[0]! / FRAME_CHANNELS, frameSize: FRAME_CHANNELS * box.shape[1]! * box.shape[2]! };
}

/** The shape of an env observation when it is an image [channels, height, width] (for image encoders), else undefined. */
export function imageShapeOf(space: Space<unknown>): readonly number[] | undefined {
  return space instanceof Box && space.shape.length === 3 ? space.shape : undefined;
}
