import { Select, type ComboboxItem, type OptionsFilter } from '@mantine/core';

interface Props {
  value: string | null;
  onChange: (zone: string | null) => void;
  /** Every zone with its current offset (lib/time-zones.server.ts). */
  choices: ComboboxItem[];
  error?: string | undefined;
}

const plain = (text: string) => text.toLowerCase().replaceAll('_', ' ');

// "new york", "new_york" and "utc-5" all find America/New_York.
const byNameOrOffset: OptionsFilter = ({ options, search }) => {
  const wanted = plain(search.trim()).replaceAll('−', '-');
  return options.filter((option) => {
    if (!('value' in option)) return false;
    return plain(`${option.value} ${option.label}`).replaceAll('−', '-').includes(wanted);
  });
};

/** A searchable list of IANA timezones, each with its offset now. */
export function TimeZoneSelect({ value, onChange, choices, error }: Props) {
  return (
    <Select
      label="Timezone"
      description="Posts for this client are planned on its clocks. Type a city or an offset."
      placeholder="Search, e.g. Oslo or UTC+1"
      data={choices}
      value={value}
      onChange={onChange}
      searchable
      filter={byNameOrOffset}
      limit={50}
      nothingFoundMessage="No timezone matches"
      allowDeselect={false}
      required
      error={error}
    />
  );
}
