import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Flex, Select, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { useAuth } from '../../auth.tsx';
import { addPageMessages } from '../../i18n/index.ts';
import { tagsZhCN } from '../../i18n/tags-zh-CN.ts';
import { errorText } from '../loyalty/loyalty-format.tsx';
import type { TagView } from './tag-types.ts';

addPageMessages(tagsZhCN);

interface MemberTag {
  tag_id: string;
  name: string;
  kind: string;
  color: string | null;
  source: string;
}

/**
 * A member's tag chips in their group colours; with members.write, manual tags are added from
 * a picker and removed by their close button (rule and interaction tags follow the system).
 */
export function MemberTags({ memberId }: { memberId: string }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { message } = App.useApp();
  const client = useQueryClient();
  const editable = can('members.write');
  const key = ['member-tags', memberId];
  const held = useQuery({
    queryKey: key,
    queryFn: () => api.get<MemberTag[]>(`/members/${memberId}/tags`),
  });
  const all = useQuery({
    queryKey: ['tags'],
    queryFn: () => api.get<TagView[]>('/tags'),
    enabled: editable,
  });
  const change = useMutation({
    mutationFn: (c: { add?: string; remove?: string }) =>
      c.add
        ? api.post(`/members/${memberId}/tags`, { tag_ids: [c.add] })
        : api.delete(`/members/${memberId}/tags/${c.remove}`),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
    onError: (e) => message.error(errorText(e, t)),
  });
  const tags = held.data ?? [];
  const addable = (all.data ?? []).filter(
    (tag) => tag.kind === 'manual' && tag.active && !tags.some((h) => h.tag_id === tag.id),
  );
  return (
    <Flex gap={8} wrap align="center" data-testid="member-tags">
      {tags.length === 0 && !held.isLoading && <span>{t('tags.none')}</span>}
      {tags.map((tag) => (
        <Tag
          key={tag.tag_id}
          color={tag.color ?? undefined}
          closable={editable && tag.kind === 'manual'}
          onClose={(e) => {
            e.preventDefault();
            change.mutate({ remove: tag.tag_id });
          }}
        >
          {tag.name}
        </Tag>
      ))}
      {editable && addable.length > 0 && (
        <Select
          size="small"
          style={{ minWidth: 120 }}
          placeholder={t('tags.addTag')}
          value={null}
          options={addable.map((tag) => ({ value: tag.id, label: tag.name }))}
          onChange={(id: string) => change.mutate({ add: id })}
        />
      )}
    </Flex>
  );
}
