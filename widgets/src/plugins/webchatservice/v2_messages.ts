/** `purecloud-v2-sockets` messages and members, and how they read in the normalised shape. */
import type { ChatMessage, Party, PartyType } from './messages';

export interface RawMessage {
  id: string;
  index?: number;
  body?: string;
  bodyType?: string;
  sender?: { id?: string };
  timestamp?: string;
  [key: string]: unknown;
}

export interface Member {
  id: string;
  displayName?: string;
  avatarImageUrl?: string;
  role?: string;
  state?: string;
}

const TYPES: Record<string, string> = {
  standard: 'Message',
  notice: 'Notice',
  'member-join': 'ParticipantJoined',
  'member-leave': 'ParticipantLeft',
};

/** The party type of `member`, seen from the visitor whose member id is `self`. */
export function partyType(member: Member | undefined, self: string): PartyType {
  if (!member) return 'External';
  if (member.id === self) return 'Client';
  switch (member.role) {
    case 'AGENT':
      return 'Agent';
    case 'WORKFLOW':
      return 'Bot';
    case 'CUSTOMER':
      return 'Client';
    default:
      return 'External';
  }
}

/** `member` as a party of the chat. */
export function partyOf(member: Member, self: string): Party {
  const party: Party = {
    id: member.id,
    type: partyType(member, self),
    name: member.displayName ?? '',
  };
  if (member.avatarImageUrl) party.avatar = member.avatarImageUrl;
  return party;
}

/** A v2 message in the normalised shape; a workflow's notice shows as `External`. */
export function normalise(raw: RawMessage, member: Member | undefined, self: string): ChatMessage {
  const type = TYPES[raw.bodyType ?? 'standard'] ?? 'Message';
  let from = partyType(member, self);
  if (type === 'Notice' && from === 'Bot') from = 'External';
  const message: ChatMessage = {
    index: typeof raw.index === 'number' ? raw.index : 0,
    type,
    text: typeof raw.body === 'string' ? raw.body : '',
    timestamp: Date.parse(raw.timestamp ?? '') || Date.now(),
    from: { id: member?.id ?? raw.sender?.id ?? '', type: from, name: member?.displayName ?? '' },
    id: raw.id,
  };
  if (member?.avatarImageUrl) message.avatar = member.avatarImageUrl;
  return message;
}
