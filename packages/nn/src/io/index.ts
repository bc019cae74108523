export {
  encodeSafetensors,
  decodeSafetensors,
  saveParameters,
  loadParameters,
  type NamedArray,
  type StoredTensor,
  type DecodedSafetensors,
  type LoadParametersOptions,
} from "./safetensors.js";
