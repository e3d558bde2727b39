policy --srt-settings unknown-keys.json --cwd /Users/alice/proj --home /Users/alice -o /dev/null
