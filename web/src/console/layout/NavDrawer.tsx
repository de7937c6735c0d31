import { Drawer } from 'antd';
import type { ReactNode } from 'react';

/** The menu on a phone or an upright tablet; its own chunk, which wide screens never load. */
export default function NavDrawer(props: {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  children: ReactNode;
}) {
  return (
    <Drawer
      placement="left"
      size={240}
      open={props.open}
      onClose={props.onClose}
      closable={false}
      title={props.title}
      styles={{ header: { padding: 0 }, body: { padding: 0 } }}
    >
      {props.children}
    </Drawer>
  );
}
