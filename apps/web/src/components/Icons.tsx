type IconProps = { path: string };

function Icon({ path }: IconProps) {
  return (
    <svg
      className="icon"
      viewBox="0 0 24 24"
      width="22"
      height="22"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={path} />
    </svg>
  );
}

export const HomeIcon = () => <Icon path="M3 10.5 12 3l9 7.5V20a1 1 0 0 1-1 1h-5v-6H9v6H4a1 1 0 0 1-1-1z" />;
export const MessagesIcon = () => <Icon path="M21 12a8 8 0 0 1-11.6 7.1L4 20.5l1.4-5A8 8 0 1 1 21 12z" />;
export const BellIcon = () => <Icon path="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9M10.3 21a1.94 1.94 0 0 0 3.4 0" />;
export const LogoMark = () => (
  <svg className="logo-mark" viewBox="0 0 32 32" width="28" height="28" aria-hidden="true" focusable="false">
    <circle cx="16" cy="16" r="16" fill="currentColor" />
    <path d="M11 12v8M16 8v16M21 12v8" stroke="#fff" strokeWidth="2.6" strokeLinecap="round" fill="none" />
  </svg>
);
export const MicOffIcon = () => (
  <Icon path="M2 2l20 20M9 9v3a3 3 0 0 0 5.1 2.1M15 9.3V5a3 3 0 0 0-5.9-.8M19 10v2a7 7 0 0 1-.9 3.4M5 10v2a7 7 0 0 0 11.5 5.4M12 19v3" />
);
export const MicIcon = () => (
  <Icon path="M12 2a3 3 0 0 0-3 3v7a3 3 0 0 0 6 0V5a3 3 0 0 0-3-3zM19 10v2a7 7 0 0 1-14 0v-2M12 19v3" />
);
export const HandIcon = () => (
  <Icon path="M18 11V6a2 2 0 0 0-4 0M14 10V4a2 2 0 0 0-4 0v2M10 10.5V6a2 2 0 0 0-4 0v8a8 8 0 0 0 16 0v-2a2 2 0 0 0-4 0" />
);
export const ShareIcon = () => (
  <Icon path="M10 13a5 5 0 0 0 7.5.5l3-3a5 5 0 0 0-7-7l-1.7 1.7M14 11a5 5 0 0 0-7.5-.5l-3 3a5 5 0 0 0 7 7l1.7-1.7" />
);
export const MoreIcon = () => <Icon path="M5 12h.01M12 12h.01M19 12h.01" />;
export const HeadphonesIcon = () => (
  <Icon path="M3 18v-6a9 9 0 0 1 18 0v6M21 19a2 2 0 0 1-2 2h-1a2 2 0 0 1-2-2v-3a2 2 0 0 1 2-2h3zM3 19a2 2 0 0 0 2 2h1a2 2 0 0 0 2-2v-3a2 2 0 0 0-2-2H3z" />
);
export const VolumeIcon = () => <Icon path="M11 5 6 9H2v6h4l5 4zM15.5 8.5a5 5 0 0 1 0 7M19 5a10 10 0 0 1 0 14" />;
export const VolumeOffIcon = () => <Icon path="M11 5 6 9H2v6h4l5 4zM22 9l-6 6M16 9l6 6" />;
export const PlayIcon = () => <Icon path="M7 4.5v15a.5.5 0 0 0 .8.4l11-7.5a.5.5 0 0 0 0-.8l-11-7.5a.5.5 0 0 0-.8.4z" />;
export const PauseIcon = () => <Icon path="M7 4h3v16H7zM14 4h3v16h-3z" />;
export const DownloadIcon = () => <Icon path="M12 3v12M7 10l5 5 5-5M4 21h16" />;
export const ShieldIcon = () => <Icon path="M12 3 4 6v6c0 5 3.5 8 8 9 4.5-1 8-4 8-9V6z" />;
