// A preview of the post as one platform's feed shows it: the account's avatar and handle, the
// text with its line breaks and hashtags highlighted, cut with "see more" at the feed's fold,
// and the pictures as a grid or the video as a frame.
import { PLATFORM_LABELS, type Platform } from '@herald/core/domain';
import {
  Anchor,
  AspectRatio,
  Avatar,
  Card,
  Center,
  Group,
  Image,
  SimpleGrid,
  Stack,
  Text,
} from '@mantine/core';
import { useState } from 'react';
import type { AssetView } from '../media-picker.tsx';
import { foldCaption, hashtagRuns } from './preview-text.ts';

interface Props {
  platform: Platform;
  handle: string;
  caption: string;
  media: AssetView[];
}

const VERTICAL: readonly Platform[] = ['tiktok'];

export function PostPreview({ platform, handle, caption, media }: Props) {
  const [expanded, setExpanded] = useState(false);
  const { shown, folded } = foldCaption(platform, caption);
  const text = expanded ? caption : shown;
  const video = media.find((m) => m.kind === 'video');
  const images = media.filter((m) => m.kind === 'image');
  const initials = handle.replace(/^@/, '').slice(0, 2).toUpperCase();
  return (
    <Card
      withBorder
      padding="sm"
      radius="md"
      role="figure"
      aria-label={`Preview on ${PLATFORM_LABELS[platform]}`}
    >
      <Stack gap="xs">
        <Group gap="xs">
          <Avatar radius="xl" size="sm" color="blue">
            {initials}
          </Avatar>
          <div>
            <Text size="sm" fw={600}>
              {handle}
            </Text>
            <Text size="xs" c="dimmed">
              {PLATFORM_LABELS[platform]} · now
            </Text>
          </div>
        </Group>
        {caption.trim() === '' ? (
          <Text size="sm" c="dimmed">
            The caption shows here.
          </Text>
        ) : (
          <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
            {hashtagRuns(text).map((run, i) =>
              run.kind === 'hashtag' ? (
                <Text key={i} span c="blue" inherit>
                  {run.text}
                </Text>
              ) : (
                <span key={i}>{run.text}</span>
              ),
            )}
            {folded && !expanded ? (
              <>
                {'… '}
                <Anchor
                  component="button"
                  type="button"
                  size="sm"
                  onClick={() => setExpanded(true)}
                >
                  see more
                </Anchor>
              </>
            ) : null}
          </Text>
        )}
        {video ? (
          <AspectRatio
            ratio={VERTICAL.includes(platform) ? 9 / 16 : 16 / 9}
            maw={VERTICAL.includes(platform) ? 220 : undefined}
          >
            {video.thumbnailUrl ? (
              <Image src={video.thumbnailUrl} alt={`Video frame of ${video.name}`} radius="sm" />
            ) : (
              <Center bg="dark.6" c="white" style={{ borderRadius: 4 }}>
                ▶ {video.name}
              </Center>
            )}
          </AspectRatio>
        ) : images.length > 0 ? (
          <SimpleGrid cols={images.length === 1 ? 1 : 2} spacing={4}>
            {images.slice(0, 4).map((image) => (
              <AspectRatio key={image.id} ratio={images.length === 1 ? 4 / 3 : 1}>
                {image.thumbnailUrl ? (
                  <Image src={image.thumbnailUrl} alt={image.name} radius="sm" fit="cover" />
                ) : (
                  <Center bg="gray.2">{image.name}</Center>
                )}
              </AspectRatio>
            ))}
          </SimpleGrid>
        ) : null}
        {images.length > 4 ? (
          <Text size="xs" c="dimmed">
            and {images.length - 4} more
          </Text>
        ) : null}
      </Stack>
    </Card>
  );
}
