-- A dispatch's send is two steps: claimed (status 'sending'), then called (the request to the channel is
-- about to leave). A process that dies between the two never reached the channel: the sweep gives the
-- dispatch back to 'approved' (sent once, later). One that dies after the call may have sent: 'unknown'.
alter table dispatches add column called_at timestamptz;
