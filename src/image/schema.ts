/** The documents of an image, only the fields read (OCI image spec; Docker's `docker save` manifest.json). */
import { z } from 'zod';

const digest = z.string().regex(/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/, 'a digest (algorithm:hex)');

const platform = z.object({ os: z.string(), architecture: z.string(), variant: z.string().optional() }).loose();

export const DescriptorSchema = z.object({ mediaType: z.string().optional(), digest, size: z.number().int().nonnegative().optional(), platform: platform.optional() }).loose();

/** `index.json` of a layout, or an image index (manifest list) blob. */
export const ImageIndexSchema = z.object({ schemaVersion: z.number().optional(), mediaType: z.string().optional(), manifests: z.array(DescriptorSchema) }).loose();

export const ImageManifestSchema = z.object({ schemaVersion: z.number().optional(), mediaType: z.string().optional(), config: DescriptorSchema, layers: z.array(DescriptorSchema) }).loose();

export const ImageConfigSchema = z
  .object({
    os: z.string().optional(),
    architecture: z.string().optional(),
    variant: z.string().optional(),
    history: z.array(z.object({ created_by: z.string().optional(), empty_layer: z.boolean().optional() }).loose()).optional(),
    rootfs: z.object({ diff_ids: z.array(z.string()).optional() }).loose().optional(),
  })
  .loose();

/** `manifest.json` of a `docker save` archive: the config's and the layers' file names inside the archive. */
export const DockerSaveManifestSchema = z.array(z.object({ Config: z.string(), RepoTags: z.array(z.string()).nullable().optional(), Layers: z.array(z.string()) }).loose()).min(1);

export type Descriptor = z.infer<typeof DescriptorSchema>;
export type ImageIndex = z.infer<typeof ImageIndexSchema>;
export type ImageConfig = z.infer<typeof ImageConfigSchema>;

export const INDEX_MEDIA_TYPES = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']);
