/** Container images as an input: an OCI layout, its archive, or a `docker save` tarball read into the files scanning needs. */
export { readImage, type ReadImageOptions } from './read-image.js';
export { DEFAULT_IMAGE_LIMITS, type ImageContents, type ImageFile, type ImageLayer, type ImageLimits, type OsRelease } from './types.js';
export { isImageReference, parseReference, formatReference, type ImageReference } from './reference.js';
export type { RegistryOptions } from './registry.js';
