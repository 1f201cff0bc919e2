import type { FollowersImportJobRow } from './followers-import-jobs.repository';
import type { FollowersImportJobResponseDto, FollowersImportResponseDto } from './line.dto';

export function toJobResponse(job: FollowersImportJobRow): FollowersImportJobResponseDto {
  return {
    id: job.id,
    lineAccountId: job.lineAccountId,
    state: job.state,
    trigger: job.trigger,
    requestedById: job.requestedById,
    pages: job.pages,
    idsSeen: job.idsSeen,
    created: job.created,
    updated: job.updated,
    unchanged: job.idsSeen - job.created - job.updated,
    error: job.error,
    startedAt: job.startedAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
    updatedAt: job.updatedAt.toISOString(),
  };
}

/** A finished job as the synchronous import answers it. */
export function toImportResponse(done: FollowersImportJobRow): FollowersImportResponseDto {
  return {
    followers: done.idsSeen,
    created: done.created,
    updated: done.updated,
    unchanged: done.idsSeen - done.created - done.updated,
    pages: done.pages,
    durationMs: (done.finishedAt ?? done.updatedAt).getTime() - done.startedAt.getTime(),
  };
}
