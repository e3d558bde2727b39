policy --srt-settings none.json --cwd /Users/alice/proj --home /Users/alice
