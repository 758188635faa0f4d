// A view that fails to render shows why, in place, with a way to try again; the rest of the app
// keeps working. Recorded data is untrusted, so any view of it may meet something it cannot draw.
import { Component, type ReactNode } from 'react';

interface Props {
  /** What failed, in the user's words ("this upstream call", "the Leaks view"). */
  what: string;
  children: ReactNode;
}

export class ErrorBoundary extends Component<Props, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidCatch(error: Error): void {
    // the console keeps the stack for whoever debugs; the view shows one line
    console.error(`${this.props.what} failed to render`, error);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="error-boundary" role="alert">
        <p>
          {this.props.what} could not be shown: <code>{this.state.error.message}</code>
        </p>
        <button type="button" onClick={() => this.setState({ error: null })}>
          Try again
        </button>
      </div>
    );
  }
}
