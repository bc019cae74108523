import { unavailable } from "./unavailable.js";

/** node:stream in the page. */
export class Writable {
  constructor() {
    unavailable("new stream.Writable");
  }
}
export default { Writable };
