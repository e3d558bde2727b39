policy --srt-settings not-json.json --cwd /Users/alice/proj --home /Users/alice
