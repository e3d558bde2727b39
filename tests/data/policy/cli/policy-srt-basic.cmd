policy --srt-settings ../srt/basic.json --cwd /Users/alice/proj --home /Users/alice
