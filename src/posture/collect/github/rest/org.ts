/**
 * What only REST tells about an organisation, each needing an owner: the
 * default GITHUB_TOKEN permissions of its workflows, and its outside
 * collaborators.
 */
import { z } from 'zod';
import type { OrgFacts } from '../../../types.js';
import { answered, type RestClient } from './requests.js';

const WorkflowPermissionsSchema = z.object({ default_workflow_permissions: z.enum(['read', 'write']) });
const UserListSchema = z.array(z.object({ login: z.string() }).nullable());

export async function readOrgSettings(rest: RestClient, org: string): Promise<Pick<OrgFacts, 'defaultWorkflowPermissions' | 'outsideCollaborators'>> {
  const orgPath = `/orgs/${encodeURIComponent(org)}`;
  const [permissions, outside] = await Promise.all([
    rest.get(`${orgPath}/actions/permissions/workflow`, (data) => WorkflowPermissionsSchema.parse(data).default_workflow_permissions),
    rest.getAll(`${orgPath}/outside_collaborators?per_page=100`, (data) =>
      UserListSchema.parse(data)
        .filter((user) => user !== null)
        .map((user) => user.login),
    ),
  ]);
  return {
    defaultWorkflowPermissions: answered(permissions, 'reading the default workflow permissions needs an organisation owner (or the "Administration" read permission)'),
    outsideCollaborators: answered(outside, 'listing outside collaborators needs an organisation owner'),
  };
}
