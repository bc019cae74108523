/** The layout of a replay buffer's slots: task t owns slots [t · slotsPerTask, (t + 1) · slotsPerTask), used as a ring. */
export interface SlotRing {
  /** Slots per task: the sampleable capacity plus the layout's history slots. */
  readonly slotsPerTask: number;
  readonly numTasks: number;
}

/** The `back`-th slot before `slot` in its task's ring. */
export function previousSlot(ring: SlotRing, slot: number, back: number): number {
  const position = slot % ring.slotsPerTask;
  return slot - position + ((position - back + ring.slotsPerTask) % ring.slotsPerTask);
}
