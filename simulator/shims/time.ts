/** The simulator's `time` module: only `ticks`, a millisecond counter like Moddable's. */
const origin = Date.now();

export default {
  get ticks(): number {
    return Date.now() - origin;
  },
};
