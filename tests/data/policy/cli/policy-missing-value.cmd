policy --srt-settings
