import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ExportLink, ExportObject, ExportStore } from '#ports/export-store.ts';

/** S3's smallest part but the last is 5 MiB; 8 MiB parts keep memory at one part and a 60 GB file under the 10 000-part cap. */
export const PART_BYTES = 8 * 1024 * 1024;

/**
 * Exports in a private S3 bucket (SSE-KMS with the bucket's key, set by the bucket default and
 * repeated here; lifecycle deletes them after a day; see infra/stacks/stateful-stack.ts). A
 * small file is one PutObject; a large one a multipart upload of 8 MiB parts, so memory holds
 * one part whatever the size; a failed upload is aborted (the lifecycle rule also cleans up
 * abandoned parts). Links are presigned GETs that force a download under the export's name.
 */
export class S3ExportStore implements ExportStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly kmsKeyId?: string,
  ) {}

  private get encryption() {
    return { ServerSideEncryption: 'aws:kms' as const, ...(this.kmsKeyId ? { SSEKMSKeyId: this.kmsKeyId } : {}) };
  }

  async write(object: ExportObject, chunks: AsyncIterable<string | Uint8Array>): Promise<{ bytes: number }> {
    const base = { Bucket: this.bucket, Key: object.key };
    let buffered: Buffer[] = [];
    let bufferedBytes = 0;
    let total = 0;
    let uploadId: string | undefined;
    const parts: { ETag: string; PartNumber: number }[] = [];

    const flushPart = async () => {
      const body = Buffer.concat(buffered, bufferedBytes);
      buffered = [];
      bufferedBytes = 0;
      uploadId ??= (await this.s3.send(new CreateMultipartUploadCommand({ ...base, ContentType: object.contentType, ...this.encryption }))).UploadId;
      if (!uploadId) throw new Error('S3 gave no upload id');
      const PartNumber = parts.length + 1;
      const { ETag } = await this.s3.send(new UploadPartCommand({ ...base, UploadId: uploadId, PartNumber, Body: body, ContentLength: body.length }));
      if (!ETag) throw new Error(`S3 gave no ETag for part ${PartNumber}`);
      parts.push({ ETag, PartNumber });
    };

    try {
      for await (const chunk of chunks) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk);
        buffered.push(bytes);
        bufferedBytes += bytes.length;
        total += bytes.length;
        if (bufferedBytes >= PART_BYTES) await flushPart();
      }
      if (!uploadId) {
        const body = Buffer.concat(buffered, bufferedBytes);
        await this.s3.send(new PutObjectCommand({ ...base, Body: body, ContentLength: body.length, ContentType: object.contentType, ...this.encryption }));
        return { bytes: total };
      }
      if (bufferedBytes > 0) await flushPart();
      await this.s3.send(new CompleteMultipartUploadCommand({ ...base, UploadId: uploadId, MultipartUpload: { Parts: parts } }));
      return { bytes: total };
    } catch (error) {
      if (uploadId) {
        try {
          await this.s3.send(new AbortMultipartUploadCommand({ ...base, UploadId: uploadId }));
        } catch {
          // The lifecycle rule removes abandoned parts after a day; the read error is the one to report.
        }
      }
      throw error;
    }
  }

  async link(object: ExportObject, ttlSeconds: number): Promise<ExportLink> {
    const signedAt = new Date();
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: object.key,
      ResponseContentDisposition: `attachment; filename="${object.filename}"`,
      ResponseContentType: object.contentType,
      ResponseCacheControl: 'no-store',
    });
    const url = await getSignedUrl(this.s3, command, { expiresIn: ttlSeconds, signingDate: signedAt });
    return { url, expiresAt: new Date(signedAt.getTime() + ttlSeconds * 1000).toISOString() };
  }
}
