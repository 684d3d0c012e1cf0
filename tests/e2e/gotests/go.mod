module goleash.invalid/gotests

go 1.18
