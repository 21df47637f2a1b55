/** Container images as an input: an OCI layout, its archive, or a `docker save` tarball read into the files scanning needs. */
export { readImage } from './read-image.js';
export type { ImageContents } from './types.js';
export type { RegistryOptions } from './registry.js';
