// The one type we turn into JSON Schema: the blocks of a message, as Slack's SDK declares them.
import type { KnownBlock } from "@slack/types";

export type Blocks = KnownBlock[];
